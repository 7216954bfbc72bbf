// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

/**
 * The timed exit programs, one JVM each: {@code ExitProgram list|exitscope|jdk N}. Each registers
 * {@code N} handlers doing the same work ({@link Timeline#handled}) and returns from {@code main};
 * the last handler prints the in-process timestamps. This class has no lambdas and no static state,
 * and names no exitscope type, so the JDK-only programs load nothing of exitscope.
 */
public final class ExitProgram {
  private ExitProgram() {}

  public static void main(String[] args) {
    Timeline.mainStart = System.nanoTime();
    int n = Integer.parseInt(args[1]);
    switch (args[0]) {
      case "list" -> PlainExit.list(n);
      case "jdk" -> PlainExit.hooks(n);
      case "exitscope" -> ScopeExit.register(n);
      default -> throw new IllegalArgumentException(args[0]);
    }
    Timeline.mainEnd = System.nanoTime(); // main's last action
  }

  /** Prints the moment main is about to return, for programs timed from outside only. */
  static void stamp() {
    long now = System.nanoTime();
    System.out.println(new StringBuilder("t-main-end ").append(now));
  }
}
