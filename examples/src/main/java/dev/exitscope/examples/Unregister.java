// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitScope;

/**
 * Basics: unregister. A Java method reference is a new object each time it is evaluated, so keep
 * what {@code register} returns, as Python's {@code handler = atexit.register(cleanup)} does.
 */
public final class Unregister {
  static void cleanup() {
    System.out.println("This won't run");
  }

  public static void main(String[] args) {
    ExitHandler handler = ExitScope.global().register(Unregister::cleanup);
    ExitScope.global().unregister(handler);
    System.out.println("No cleanup this time!");
  }
}
