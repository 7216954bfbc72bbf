// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitScope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The CPython docs' counter: read from {@code counterfile} when the class initialises (Python's
 * import), saved at exit without the application calling into it. {@code Counter [n]} adds n
 * (default 1).
 */
public final class Counter {
  private static final Path FILE = Path.of("counterfile");
  private static int count = load();

  static {
    ExitScope.global().register(Counter::saveCounter);
  }

  private static int load() {
    try {
      return Integer.parseInt(Files.readString(FILE).trim());
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static synchronized void incrCounter(int n) {
    count += n;
  }

  static synchronized void saveCounter() throws IOException {
    Files.writeString(FILE, Integer.toString(count), StandardCharsets.UTF_8);
  }

  public static void main(String[] args) {
    incrCounter(args.length > 0 ? Integer.parseInt(args[0]) : 1);
    System.out.println("count is now " + count);
  }
}
