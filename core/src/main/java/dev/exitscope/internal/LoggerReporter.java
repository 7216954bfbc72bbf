// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import dev.exitscope.ExitListener;
import dev.exitscope.ExitSummary;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;

/**
 * An {@link ExitListener} writing to a {@link System.Logger}; the run at exit also writes problems
 * to {@code System.err} when {@link #copiesProblemsToStderr()}.
 */
public final class LoggerReporter implements ExitListener {
  private final Logger logger;
  private final boolean problemsToStderr;

  public LoggerReporter(Logger logger, boolean problemsToStderr) {
    this.logger = java.util.Objects.requireNonNull(logger, "logger");
    this.problemsToStderr = problemsToStderr;
  }

  /** Whether the run at exit writes problems to {@code System.err} as well. */
  boolean copiesProblemsToStderr() {
    return problemsToStderr;
  }

  @Override
  public void runStarted(String scope, int handlers) {
    logger.log(Level.DEBUG, "Exit run of {0} started with {1} handler(s)", scope, handlers);
  }

  @Override
  public void handlerStarted(String handler) {
    logger.log(Level.DEBUG, "Exit handler {0} started", handler);
  }

  @Override
  public void handlerFinished(String handler, Duration took) {
    logger.log(Level.DEBUG, "Exit handler {0} finished in {1} ms", handler, took.toMillis());
  }

  @Override
  public void handlerFailed(String handler, Throwable failure) {
    logger.log(Level.ERROR, "Exception ignored in exit handler " + handler, failure);
  }

  @Override
  public void handlerTimedOut(String handler, Duration after, StackTraceElement[] stack) {
    logger.log(
        Level.ERROR,
        "Exit handler " + handler + " timed out",
        stackOf(stack, "stack after " + after));
  }

  @Override
  public void handlerCalledExit(String handler, StackTraceElement[] stack) {
    logger.log(
        Level.ERROR,
        "Exit handler " + handler + " called System.exit during the exit; ignored",
        stackOf(stack, "stack at the exit call"));
  }

  @Override
  public void handlersSkipped(String scope, List<String> handlers) {
    logger.log(Level.WARNING, Skipped.text(scope, handlers).strip());
  }

  @Override
  public void runFinished(String scope, ExitSummary summary) {
    logger.log(Level.DEBUG, "Exit run of {0} finished: {1}", scope, summary);
  }

  @Override
  public String toString() {
    return "ExitListener.systemLogger(" + logger.getName() + ")";
  }

  /** A throwable that carries a handler's stack, so that loggers print it as they print any. */
  private static Throwable stackOf(StackTraceElement[] stack, String message) {
    Throwable t =
        new Throwable(message, null, false, true) {
          private static final long serialVersionUID = 1L;
        };
    t.setStackTrace(stack);
    return t;
  }
}
