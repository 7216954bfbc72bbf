// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.AtExit;
import dev.exitscope.ExitHandler;

/** Real Python's lifo_example.py: the field initialised first registers first and runs last. */
public final class LifoExample {
  static final ExitHandler FIRST =
      AtExit.register(() -> System.out.println("First registered, runs last"));
  static final ExitHandler SECOND =
      AtExit.register(() -> System.out.println("Second registered, runs first"));

  public static void main(String[] args) {
    System.out.println("Program is running...");
  }
}
