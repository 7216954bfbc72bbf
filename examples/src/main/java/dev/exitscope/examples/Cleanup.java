// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitScope;

/** Basics: one cleanup. Ctrl+C runs it too (see Monitor). */
public final class Cleanup {
  public static void main(String[] args) {
    ExitScope.global().register(() -> System.out.println("Cleaning up resources..."));
    System.out.println("Main program is running...");
  }
}
