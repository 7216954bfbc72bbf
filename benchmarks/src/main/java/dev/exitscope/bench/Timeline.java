// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

/**
 * The in-process timestamps of one timed exit program ({@code System.nanoTime}, the harness's own
 * clock on Linux), and the work every handler does. No exitscope type appears here: the plain-list
 * and JDK-hook programs load this class too, and must load nothing of exitscope.
 *
 * <p>The stamps are plain static fields written once each; the last handler prints them all in one
 * write, after its own stamp, so that no output happens inside a measured interval.
 */
final class Timeline {
  static long mainStart;
  static long registerStart;
  static long registerEnd;
  static long mainEnd;
  static long firstStart;
  static long lastEnd;

  private static int newest;
  private static int next;
  private static int disorder;

  private Timeline() {}

  /**
   * Handlers {@code 0 … n-1} are registered in that order, so run from {@code n-1} to {@code 0}.
   */
  static void expect(int n) {
    newest = n - 1;
    next = n;
  }

  /**
   * The work of handler {@code i}, the same bytecodes in every program: the newest stamps the start
   * of the run, each checks that it runs newest first, the oldest stamps the end and prints.
   */
  static void handled(int i) {
    if (i == newest) {
      firstStart = System.nanoTime();
    }
    if (i != --next) {
      disorder++;
    }
    if (i == 0) {
      lastEnd = System.nanoTime();
      print();
    }
  }

  /** One write of {@code key value} lines; a StringBuilder, as indy string concat costs ms cold. */
  private static void print() {
    StringBuilder b = new StringBuilder(256);
    line(b, "t-main-start", mainStart);
    line(b, "t-register-start", registerStart);
    line(b, "t-register-end", registerEnd);
    line(b, "t-main-end", mainEnd);
    line(b, "t-first-start", firstStart);
    line(b, "t-last-end", lastEnd);
    line(b, "disorder", disorder);
    System.out.print(b);
    System.out.flush();
  }

  private static void line(StringBuilder b, String key, long value) {
    b.append(key).append(' ').append(value).append('\n');
  }
}
