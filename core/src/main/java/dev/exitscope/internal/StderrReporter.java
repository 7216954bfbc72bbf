// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import dev.exitscope.ExitListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

/**
 * The default {@link ExitListener}: problems to {@code System.err}, in Python's words. Within a run
 * at exit the {@link Reporter} writes these texts itself, with a fallback when {@code System.err}
 * is stuck or broken; called directly, this listener writes to {@code System.err}.
 */
public final class StderrReporter implements ExitListener {
  public static final StderrReporter INSTANCE = new StderrReporter();

  private StderrReporter() {}

  @Override
  public void handlerFailed(String handler, Throwable failure) {
    System.err.print(failed(handler, failure, false));
  }

  @Override
  public void handlerTimedOut(String handler, Duration after, StackTraceElement[] stack) {
    System.err.print(timedOut(handler, Durations.toNanos(after), stack));
  }

  @Override
  public void handlerCalledExit(String handler, StackTraceElement[] stack) {
    System.err.print(calledExit(handler, stack));
  }

  @Override
  public void handlersSkipped(String scope, List<String> handlers) {
    System.err.print(Skipped.text(scope, handlers));
  }

  @Override
  public String toString() {
    return "ExitListener.stderr()";
  }

  /**
   * {@code Exception ignored in exit handler <name>} and the stack trace. Printing a trace calls
   * the failure's own {@code toString}: if that throws, or {@code safe} says an earlier try got
   * stuck in it, only the failure's class is shown.
   */
  static String failed(String handler, Throwable failure, boolean safe) {
    String headline = "Exception ignored in exit handler " + handler + System.lineSeparator();
    if (!safe) {
      try {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        return headline + trace;
      } catch (Throwable unprintable) {
        // fall through: the class name at least
      }
    }
    return headline
        + failure.getClass().getName()
        + " (its message and stack trace could not be printed)"
        + System.lineSeparator();
  }

  static String timedOut(String handler, long afterNanos, StackTraceElement[] stack) {
    return withStack(
        "Exit handler "
            + handler
            + " timed out after "
            + afterNanos / 1_000_000
            + " ms; interrupted and abandoned at:",
        stack);
  }

  static String cancelled(String handler, long afterNanos, StackTraceElement[] stack) {
    return withStack(
        "Exit handler "
            + handler
            + " timed out after "
            + afterNanos / 1_000_000
            + " ms; cancelled at:",
        stack);
  }

  static String calledExit(String handler, StackTraceElement[] stack) {
    return withStack(
        "Exit handler "
            + handler
            + " called System.exit during the exit; the call was ignored and the handler"
            + " abandoned at:",
        stack);
  }

  private static String withStack(String headline, StackTraceElement[] stack) {
    StringBuilder text = new StringBuilder(headline).append(System.lineSeparator());
    for (StackTraceElement frame : stack) {
      text.append("\tat ").append(frame).append(System.lineSeparator());
    }
    return text.toString();
  }
}
