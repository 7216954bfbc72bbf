// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitScope;

/**
 * Basics: register only when run as the program, Python's {@code if __name__ == "__main__"}.
 * Registering in {@code main}, not in a static initialiser, does it: {@link UsesMainOnly} uses this
 * class without registering anything.
 */
public final class MainOnly {
  static void cleanup() {
    System.out.println("Cleanup done.");
  }

  public static void main(String[] args) {
    ExitScope.global().register(MainOnly::cleanup);
    System.out.println("Script running.");
  }
}
