// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitScope;

/**
 * Python Circle's classes that register their own handlers: aa first, then BB's, then CC's when
 * BB.bb() creates a CC; they run CC, BB, aa.
 */
public final class Classes {
  static final class CC {
    CC() {
      ExitScope.global().register(this::gg);
    }

    void gg() {
      System.out.println("atexit of cc called");
    }
  }

  static final class BB {
    BB() {
      ExitScope.global().register(this::hh);
    }

    void hh() {
      System.out.println("atexit of bb called");
    }

    void bb() {
      System.out.println("bb called");
      new CC();
    }
  }

  public static void main(String[] args) {
    ExitScope.global().register(AaAtexit::aaAtexit);
    new BB().bb();
  }
}
