// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import dev.exitscope.ExitListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** The default {@link ExitListener}: problems to {@code System.err}, in Python's words. */
public final class StderrReporter implements ExitListener {
  public static final StderrReporter INSTANCE = new StderrReporter();

  private StderrReporter() {}

  @Override
  public void handlerFailed(String handler, Throwable failure) {
    PrintStream err = System.err;
    err.println("Exception ignored in exit handler " + handler);
    failure.printStackTrace(err);
  }

  @Override
  public void handlerTimedOut(String handler, Duration after, StackTraceElement[] stack) {
    print(
        "Exit handler "
            + handler
            + " timed out after "
            + after.toMillis()
            + " ms; interrupted and abandoned at:",
        stack);
  }

  @Override
  public void handlerCalledExit(String handler, StackTraceElement[] stack) {
    print(
        "Exit handler "
            + handler
            + " called System.exit during the exit; the call was ignored and the handler"
            + " abandoned at:",
        stack);
  }

  @Override
  public void handlersSkipped(String scope, List<String> handlers) {
    System.err.println(
        "Exit deadline of "
            + scope
            + " reached; "
            + handlers.size()
            + " exit handler(s) did not run: "
            + String.join(", ", handlers));
  }

  @Override
  public String toString() {
    return "ExitListener.stderr()";
  }

  private static void print(String headline, StackTraceElement[] stack) {
    StringBuilder text = new StringBuilder(headline).append(System.lineSeparator());
    for (StackTraceElement frame : stack) {
      text.append("\tat ").append(frame).append(System.lineSeparator());
    }
    System.err.print(text);
  }
}
