// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitScope;

/** Real Python's goodbye.py. */
public final class Goodbye {
  static void goodbye() {
    System.out.println("Goodbye, world!");
  }

  public static void main(String[] args) {
    ExitScope.global().register(Goodbye::goodbye);
    System.out.println("Program is running...");
  }
}
