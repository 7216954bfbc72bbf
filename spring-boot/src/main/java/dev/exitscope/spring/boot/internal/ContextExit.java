// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.spring.boot.internal;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitScope;
import dev.exitscope.Registration;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;

/**
 * One application context's close as one step of exitscope's exit, named {@code spring context
 * <id>} in reports.
 *
 * <p>At its turn it closes the context on the exit's worker thread: graceful shutdown of the web
 * server (when {@code server.shutdown=graceful}, Spring Boot's default), then bean destruction,
 * waiting, as Spring Boot's hook does, until the context is inactive. The step has its own timeout
 * (see {@code exitscope.spring.close-timeout}), and each phase of the context's stop is bounded by
 * the smaller of {@code spring.lifecycle.timeout-per-shutdown-phase} and three quarters of the time
 * the step has left, so that a slow drain ends through Spring's own path (the server stopped, the
 * beans destroyed) rather than by abandonment. A {@code @PreDestroy} that hangs is abandoned at the
 * step's timeout and reported with its stack by exitscope, and the older handlers run.
 *
 * <p>A context that the application closes itself (outside the exit) removes its step, so nothing
 * holds it; one closed by another exit handler keeps it, and the step then waits for that close.
 */
final class ContextExit implements ExitHandler, ApplicationListener<ContextClosedEvent> {
  private static final long POLL_MILLIS = 10;

  private final ConfigurableApplicationContext context;
  private final Duration phaseTimeout;
  private volatile @Nullable Registration registration;
  private volatile @Nullable Runnable onUnregister;
  private volatile boolean running;

  ContextExit(ConfigurableApplicationContext context, Duration phaseTimeout) {
    this.context = context;
    this.phaseTimeout = phaseTimeout;
  }

  /** Registers the step in the global scope and follows the context's own close. */
  void register(Duration timeout, Runnable onUnregister) {
    this.onUnregister = onUnregister;
    registration = ExitScope.global().push(toString(), timeout, this);
    context.addApplicationListener(this);
  }

  /** Removes the step, if it has not started. */
  void unregister() {
    Registration r = registration;
    if (r != null) {
      r.unregister();
    }
    Runnable forget = onUnregister;
    if (forget != null) {
      forget.run();
    }
  }

  @Override
  // Identity on purpose: this very context, not one equal to it (a child's close event reaches its
  // parent's listeners too).
  @SuppressWarnings("ReferenceEquality")
  public void onApplicationEvent(ContextClosedEvent event) {
    if (event.getApplicationContext() == context && !running && !ExitScope.global().isRunning()) {
      unregister();
    }
  }

  @Override
  public void run() throws InterruptedException {
    running = true;
    if (!context.isActive()) {
      return;
    }
    boundShutdownPhases();
    context.close();
    while (context.isActive()) { // another thread may still be destroying beans
      Thread.sleep(POLL_MILLIS);
    }
  }

  private void boundShutdownPhases() {
    Duration budget = ExitScope.timeLeft().dividedBy(4).multipliedBy(3);
    Object processor;
    try {
      processor = context.getBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME);
    } catch (RuntimeException closedMeanwhile) {
      return;
    }
    if (processor instanceof DefaultLifecycleProcessor lifecycle) {
      long millis =
          Math.max(1, (budget.compareTo(phaseTimeout) < 0 ? budget : phaseTimeout).toMillis());
      lifecycle.setTimeoutPerShutdownPhase(millis);
    }
  }

  @Override
  public String toString() {
    return "spring context " + context.getId();
  }
}
