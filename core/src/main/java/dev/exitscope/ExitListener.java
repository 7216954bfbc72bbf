// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope;

import dev.exitscope.internal.LoggerReporter;
import dev.exitscope.internal.StderrReporter;
import java.time.Duration;
import java.util.List;

/**
 * Observes a scope's run at JVM exit: what ran, what failed, what hung and what never ran. Set one
 * with {@link ExitScope#setListener(ExitListener)}; the default, {@link #stderr()}, writes problems
 * to {@code System.err}, since logging frameworks are often shut down by the time handlers run.
 *
 * <p>Called by the exit's own threads (the hook thread and the handlers' worker threads), one call
 * at a time, never concurrently. Every method has an empty default. An exception thrown by a
 * listener is printed to {@code System.err} and otherwise ignored: it never stops the run. Explicit
 * {@link ExitScope#run()} and {@link ExitScope#close()} calls do not report here; they throw.
 */
public interface ExitListener {
  /** The run of {@code scope} begins with {@code handlers} registered. */
  default void runStarted(String scope, int handlers) {}

  /** The handler named {@code handler} starts, on its worker thread. */
  default void handlerStarted(String handler) {}

  /** The handler returned normally after {@code took}. */
  default void handlerFinished(String handler, Duration took) {}

  /**
   * The handler threw {@code failure} (any {@code Throwable}); the next handler runs. The exit
   * status is not changed.
   */
  default void handlerFailed(String handler, Throwable failure) {}

  /**
   * The handler ran past its timeout, or past the scope's deadline, after {@code after}; {@code
   * stack} is its thread's stack at that moment. The handler's thread has been interrupted and is
   * abandoned; the next handler runs on a new thread.
   */
  default void handlerTimedOut(String handler, Duration after, StackTraceElement[] stack) {}

  /**
   * The handler called {@code System.exit} (or {@code Runtime.exit}) during the exit; that call
   * blocks forever inside the JDK, so the handler is abandoned, the exit status stays what it was,
   * and the next handler runs.
   */
  default void handlerCalledExit(String handler, StackTraceElement[] stack) {}

  /** The deadline was reached; {@code handlers}, newest first, never ran. */
  default void handlersSkipped(String scope, List<String> handlers) {}

  /** The run is over; the JVM exit proceeds. */
  default void runFinished(String scope, ExitSummary summary) {}

  /**
   * The default listener: writes failures, timeouts, {@code System.exit} calls and skipped handlers
   * to {@code System.err} (as Python prints {@code Exception ignored in atexit callback}); silent
   * when all goes well.
   */
  static ExitListener stderr() {
    return StderrReporter.INSTANCE;
  }

  /**
   * A listener that writes to {@code logger}: problems at {@code ERROR} ({@code WARNING} for
   * skipped handlers), progress at {@code DEBUG}. Make sure the logging backend is still running at
   * exit (see the README, "Keeping logging alive").
   */
  static ExitListener systemLogger(System.Logger logger) {
    return new LoggerReporter(logger);
  }
}
