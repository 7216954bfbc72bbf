// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitHandlerException;
import dev.exitscope.ExitScope;
import dev.exitscope.Registration;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the API reads from Java: lambdas, method references, checked exceptions, null input. */
class ExitScopeJavaTest {
  private final List<String> log = new ArrayList<>();
  private final ExitScope scope = ExitScope.create("java");

  private void goodbye(String name, String adjective) {
    log.add("Goodbye " + name + ", it was " + adjective + " to meet you.");
  }

  private void close() throws IOException {
    log.add("closed");
  }

  @Test
  void methodReferenceWithArgumentsRunsLikePythonRegisterWithArgs() {
    scope.register(this::goodbye, "Donny", "nice");
    scope.run();
    assertEquals(List.of("Goodbye Donny, it was nice to meet you."), log);
  }

  @Test
  void keepingTheReturnedMethodReferenceIsWhatMakesUnregisterWork() {
    ExitHandler close = scope.register(this::close);
    // A new evaluation of this::close is a new object, not equal to the first.
    assertEquals(0, scope.unregister((ExitHandler) this::close));
    assertEquals(1, scope.unregister(close));
    scope.run();
    assertTrue(log.isEmpty());
  }

  @Test
  void handlerMayThrowCheckedExceptionsWhichRunWrapsWithTheCause() {
    scope.register(
        () -> {
          throw new IOException("disk full");
        });
    ExitHandlerException e = assertThrows(ExitHandlerException.class, scope::run);
    assertInstanceOf(IOException.class, e.getCause());
  }

  @Test
  void tryWithResourcesRunsTheScopeOnClose() {
    try (ExitScope local = ExitScope.create("request")) {
      local.register(() -> log.add("released"));
      log.add("working");
    }
    assertEquals(List.of("working", "released"), log);
  }

  @Test
  void closingInTryWithResourcesClosesTheResourceAfterLaterRegistrations() throws IOException {
    StringWriter sink = new StringWriter();
    BufferedWriter out;
    try (ExitScope request = ExitScope.create("request")) {
      out = request.closing(new BufferedWriter(sink));
      request.register(() -> log.add("before close: '" + sink + "'"));
      out.write("body");
    }
    assertEquals(List.of("before close: ''"), log);
    assertEquals("body", sink.toString());
    assertThrows(IOException.class, out::flush);
  }

  @Test
  void nullResourceIsRejectedNamingTheParameterAndNothingIsRegistered() {
    assertEquals(
        "resource",
        assertThrows(NullPointerException.class, () -> scope.closing(null)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ExitScope.timeLeft(Duration.ofNanos(-1)));
    assertEquals(0, scope.size());
  }

  @Test
  void timeLeftConvertsSafelyOutsideARunAtExitAsTheGuidesIdiomNeeds() throws InterruptedException {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    scope.register(
        () -> {
          pool.shutdown();
          log.add(
              "terminated "
                  + pool.awaitTermination(
                      ExitScope.timeLeft().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        });
    scope.run();
    assertEquals(List.of("terminated true"), log);
  }

  @Test
  void pushReturnsAHandleForExactlyOneRegistration() {
    Registration r = scope.push("named", Duration.ofSeconds(1), () -> log.add("named ran"));
    assertTrue(r.unregister());
    scope.run();
    assertTrue(log.isEmpty());
  }

  @Test
  void nullHandlerIsRejectedNamingTheParameterAndNothingIsRegistered() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> scope.register((ExitHandler) null));
    assertEquals("handler", e.getMessage());
    assertThrows(NullPointerException.class, () -> scope.register(null, "a"));
    assertThrows(NullPointerException.class, () -> scope.register(null, "a", "b"));
    assertThrows(NullPointerException.class, () -> scope.push(null));
    assertEquals(0, scope.size());
  }

  @Test
  void nullNameTimeoutOrDeadlineIsRejectedNamingTheParameter() {
    assertEquals(
        "name",
        assertThrows(NullPointerException.class, () -> ExitScope.create(null)).getMessage());
    assertEquals(
        "name",
        assertThrows(NullPointerException.class, () -> scope.push(null, () -> {})).getMessage());
    assertEquals(
        "timeout",
        assertThrows(NullPointerException.class, () -> scope.push("n", null, () -> {}))
            .getMessage());
    assertEquals(
        "deadline",
        assertThrows(NullPointerException.class, () -> scope.setDeadline(null)).getMessage());
    assertEquals(
        "listener",
        assertThrows(NullPointerException.class, () -> scope.setListener(null)).getMessage());
    assertEquals(0, scope.size());
  }

  @Test
  void nullUnregisterIsRejectedNamingTheParameter() {
    assertEquals(
        "handler",
        assertThrows(NullPointerException.class, () -> scope.unregister(null)).getMessage());
  }

  @Test
  void argumentsMayBeNullAsPythonsNoneMay() {
    scope.register((String a) -> log.add("got " + a), null);
    scope.run();
    assertEquals(List.of("got null"), log);
  }

  @Test
  void registerReturnsTheSameHandlerObject() {
    ExitHandler h = () -> {};
    assertSame(h, scope.register(h));
  }
}
