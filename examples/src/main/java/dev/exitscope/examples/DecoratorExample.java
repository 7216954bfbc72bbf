// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.AtExit;
import dev.exitscope.ExitHandler;

/**
 * Real Python's decorator_example.py. Java has no decorators; a static field initialised by {@code
 * AtExit.register} registers when the class initialises and keeps the handler, as
 * {@code @atexit.register} keeps the function bound to its name.
 */
public final class DecoratorExample {
  static final ExitHandler GOODBYE = AtExit.register(() -> System.out.println("Goodbye, world!"));

  public static void main(String[] args) {
    System.out.println("Program is running...");
  }
}
