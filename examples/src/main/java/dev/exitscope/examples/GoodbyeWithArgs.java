// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitScope;

/**
 * The CPython docs' arguments: {@code register(goodbye, 'Donny', 'nice')}. Java has no keyword
 * arguments, so {@code register(goodbye, adjective='nice', name='Donny')} becomes a lambda that
 * passes them by position.
 */
public final class GoodbyeWithArgs {
  static void goodbye(String name, String adjective) {
    System.out.printf("Goodbye %s, it was %s to meet you.%n", name, adjective);
  }

  public static void main(String[] args) {
    ExitScope global = ExitScope.global();
    global.register(GoodbyeWithArgs::goodbye, "Donny", "nice");
    // or, Python's keyword form:
    global.register(() -> goodbye(/* name= */ "Donny", /* adjective= */ "nice"));
  }
}
