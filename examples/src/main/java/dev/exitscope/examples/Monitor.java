// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Basics: a monitor collecting data until Ctrl+C (or SIGTERM), then writing final_report.txt with
 * every entry. {@code Monitor [intervalMillis]}, one second by default as in the seed.
 */
public final class Monitor {
  private static final List<String> reportData = new ArrayList<>();
  private static boolean reported; // guarded by reportData

  /**
   * Collects one entry. Under the report's lock: main goes on running during the exit, and an entry
   * collected after the report is written would be printed but lost.
   */
  static void collectData() {
    synchronized (reportData) {
      if (reported) {
        return;
      }
      String entry = "Data at " + System.currentTimeMillis() / 1000.0;
      reportData.add(entry);
      System.out.println(entry);
    }
  }

  static void finalReport() throws IOException {
    synchronized (reportData) {
      reported = true;
      Files.write(Path.of("final_report.txt"), reportData);
    }
    System.out.println("Final report written.");
  }

  public static void main(String[] args) throws InterruptedException {
    long interval = args.length > 0 ? Long.parseLong(args[0]) : 1000;
    ExitScope.global().register(Monitor::finalReport);
    while (true) {
      collectData();
      Thread.sleep(interval);
    }
  }
}
