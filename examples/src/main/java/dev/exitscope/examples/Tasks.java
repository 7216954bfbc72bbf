// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitScope;

/** Basics: two tasks, the later registered runs first. */
public final class Tasks {
  static void task1() {
    System.out.println("Task 1: Closing database connection");
  }

  static void task2() {
    System.out.println("Task 2: Writing log summary");
  }

  public static void main(String[] args) {
    ExitScope.global().register(Tasks::task1);
    ExitScope.global().register(Tasks::task2);
    System.out.println("Working...");
  }
}
