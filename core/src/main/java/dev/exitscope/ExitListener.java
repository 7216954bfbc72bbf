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
 * concurrently, in the order things happened; never on the hook thread nor on a handler's. Explicit
 * {@link ExitScope#run()} and {@link ExitScope#close()} calls do not report here; they throw. Every
 * method has an empty default.
 *
 * <p><b>Its pace is not the handlers' pace.</b> A handler never waits for the listener: reports
 * wait in a queue, and a listener slower than the handlers falls behind them instead of holding
 * them back. In numbers:
 *
 * <ul>
 *   <li>up to 256 progress reports (a handler started or finished) wait for the listener; those
 *       beyond are not given to it, and are counted;
 *   <li>problems (a handler failed, timed out, called {@code System.exit}, or never ran) always
 *       wait for it;
 *   <li>a call that does not return within half a second (within 100 ms of the deadline, near or
 *       past it) is given up on: the listener is not called again during that run, and the problems
 *       it would have heard go to {@code System.err};
 *   <li>after the last handler the listener has one more second at most, and never more than 200 ms
 *       past the deadline, to hear what waits for it; problems it has not heard by then go to
 *       {@code System.err}, the rest is counted;
 *   <li>past the deadline, the names it is given are the safe {@code Type@1b6d3586} ones for
 *       handlers named by their {@code toString}: no user code runs at exit but the listener.
 * </ul>
 *
 * What it did not hear is counted in {@link ExitSummary#unreported()} and in one line on {@code
 * System.err} at the end of the exit ({@code exitscope: N exit report(s) could not be delivered in
 * time and were dropped (M of them progress the exit listener … had no time for …)}).
 *
 * <p>Problems reach {@code System.err} whatever the listener does: an exception a listener throws
 * is ignored, and if it was hearing of a problem, that problem is written to {@code System.err},
 * with a line naming the listener's exception; when {@code System.err} itself is stuck or broken,
 * reports are written to the process's stderr file descriptor directly. The last report of a run is
 * written half a second past the deadline at the latest.
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

  /**
   * The deadline of {@code scope} was reached; {@code handlers} never ran: those of {@code scope}
   * itself first, then those of each scope registered in it, named by path ({@code plugin/flush}),
   * each newest first. The list is read-only and computes a name when it is read, so that a million
   * skipped handlers cost nothing until the listener reads them.
   */
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
