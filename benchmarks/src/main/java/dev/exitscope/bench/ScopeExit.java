// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitScope;

/** The exitscope program: {@code n} handlers registered in {@link ExitScope#global()}. */
final class ScopeExit {
  private ScopeExit() {}

  /** The handler lambda: the same body as {@link PlainExit#handler}, typed for exitscope. */
  static ExitHandler handler(int i) {
    return () -> Timeline.handled(i);
  }

  static void register(int n) {
    Timeline.expect(n);
    handler(-1); // spins the lambda's class before the timing, as every program does
    Timeline.registerStart = System.nanoTime();
    ExitScope global = ExitScope.global();
    for (int i = 0; i < n; i++) {
      global.register(handler(i));
    }
    Timeline.registerEnd = System.nanoTime();
  }
}
