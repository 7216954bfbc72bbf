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
 * <p>Called on the exit's reporter thread ({@code exitscope-reporter-N}), one call at a time, never
 * concurrently, in the order things happened; never on the hook thread, and never while the worker
 * running the handlers waits for it for long, so a slow or stuck listener cannot hold the exit.
 * Every method has an empty default. Explicit {@link ExitScope#run()} and {@link ExitScope#close()}
 * calls do not report here; they throw.
 *
 * <p>Problems (a handler failed, timed out, called {@code System.exit}, or never ran) reach {@code
 * System.err} whatever the listener does:
 *
 * <ul>
 *   <li>An exception a listener throws is ignored; if it was hearing of a problem, that problem is
 *       written to {@code System.err}, with a line naming the listener's exception.
 *   <li>A call that does not return within its share of time (half a second) is given up on: the
 *       listener is not called again during that run, and the problems it would have heard go to
 *       {@code System.err}.
 *   <li>When {@code System.err} itself is stuck or broken, reports are written to the process's
 *       stderr file descriptor directly. A report that cannot be written anywhere in its share of
 *       time is dropped and counted in {@link ExitSummary#unreported()}.
 * </ul>
 *
 * <p>The last reports of a run may take up to half a second past the deadline, never more.
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
   * skipped handlers), progress at {@code DEBUG}; problems are written to {@code System.err} as
   * well, since a logging backend is often already stopped, or stopping in its own shutdown hook,
   * when exit handlers run (the JDK's own logging resets in one). To keep logging alive to the last
   * handler, see the guide, "Keeping logging alive"; then {@link #systemLogger(System.Logger,
   * boolean) systemLogger(logger, false)} drops the copy.
   *
   * @throws NullPointerException if {@code logger} is null
   */
  static ExitListener systemLogger(System.Logger logger) {
    return new LoggerReporter(logger, true);
  }

  /**
   * A listener that writes to {@code logger} as {@link #systemLogger(System.Logger)} does, with
   * problems copied to {@code System.err} only if {@code problemsToStderr}.
   *
   * @throws NullPointerException if {@code logger} is null
   */
  static ExitListener systemLogger(System.Logger logger, boolean problemsToStderr) {
    return new LoggerReporter(logger, problemsToStderr);
  }
}
