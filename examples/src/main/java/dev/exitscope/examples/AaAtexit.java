// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitScope;

/** Python Circle's first example: one function run just before the JVM terminates. */
public final class AaAtexit {
  static void aaAtexit() {
    System.out.println("atexit of this aa called");
  }

  public static void main(String[] args) {
    ExitScope.global().register(AaAtexit::aaAtexit);
  }
}
