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

  static void collectData() {
    String entry = "Data at " + System.currentTimeMillis() / 1000.0;
    synchronized (reportData) {
      reportData.add(entry);
    }
    System.out.println(entry);
  }

  static void finalReport() throws IOException {
    synchronized (reportData) {
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
