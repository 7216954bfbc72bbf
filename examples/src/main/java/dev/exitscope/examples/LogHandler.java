// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitScope;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real Python's log_handler.py: the log file gets its last line and is closed at exit. */
public final class LogHandler {
  public static void main(String[] args) throws IOException {
    Writer logFile = Files.newBufferedWriter(Path.of("app.log"));
    ExitScope.global()
        .register(
            () -> {
              logFile.write("Application is closing.\n");
              logFile.close();
              System.out.println("Log file closed.");
            });
    logFile.write("Application has started.\n");
    System.out.println("Program is running...");
  }
}
