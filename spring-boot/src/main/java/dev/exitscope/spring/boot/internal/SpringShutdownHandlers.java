// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.spring.boot.internal;

import dev.exitscope.ExitHandler;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationShutdownHandlers;

/**
 * The exit step that runs {@code SpringApplication.getShutdownHandlers()} where Spring Boot
 * documents them: after the application contexts have closed, newest first, as Spring Boot's own
 * hook would (which {@link ShutdownHookTakeover} keeps from being installed).
 *
 * <p>Spring Boot's handler set is also its hook's task ({@code Runnable}, in 3.5 and 4.0): running
 * it runs the handlers and empties the set. If Spring Boot's own hook was installed after all (a
 * handler was added after {@code SpringApplication.run} began, by code other than Spring Boot's
 * logging), that hook has run them at the start of the exit; they are not run twice, and this step
 * says so.
 */
final class SpringShutdownHandlers implements ExitHandler {
  @Override
  public void run() {
    SpringApplicationShutdownHandlers handlers = SpringApplication.getShutdownHandlers();
    try {
      handlers.remove(Thread::onSpinWait); // never added: asks only whether a run is under way
    } catch (IllegalStateException inProgress) {
      throw new IllegalStateException(
          "Spring Boot's own shutdown hook has run SpringApplication.getShutdownHandlers() at the"
              + " start of the exit, before the context closed: a handler was added to them after"
              + " SpringApplication.run began. Register it with ExitScope.global() instead.",
          inProgress);
    }
    if (!(handlers instanceof Runnable all)) {
      throw new IllegalStateException(
          "SpringApplication.getShutdownHandlers() cannot be run by exitscope in this Spring Boot"
              + " version ("
              + handlers.getClass().getName()
              + "); set exitscope.spring.enabled=false to give the exit back to Spring Boot");
    }
    all.run();
  }

  @Override
  public String toString() {
    return "spring shutdown handlers";
  }
}
