// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

import java.util.ArrayList;

/**
 * The JDK-only programs: the plain-list floor (one JDK shutdown hook running a plain {@code
 * ArrayList} of the handlers, newest first) and raw JDK hooks (one {@code Thread} per handler).
 * Loads no exitscope class.
 */
final class PlainExit {
  private PlainExit() {}

  /** The handler lambda: the same body as {@link ScopeExit#handler}, typed for the JDK. */
  static Runnable handler(int i) {
    return () -> Timeline.handled(i);
  }

  /** One hook, then {@code n} handlers added to its list: the physical floor of an ordered exit. */
  static void list(int n) {
    Timeline.expect(n);
    handler(-1); // spins the lambda's class before the timing, as every program does
    Timeline.registerStart = System.nanoTime();
    ListHook hook = new ListHook();
    Runtime.getRuntime().addShutdownHook(new Thread(hook));
    for (int i = 0; i < n; i++) {
      hook.handlers.add(handler(i));
    }
    Timeline.registerEnd = System.nanoTime();
  }

  /** {@code n} JDK hooks, each a Thread; they run all at once, in no order. */
  static void hooks(int n) {
    Timeline.expect(n);
    handler(-1);
    Timeline.registerStart = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Runtime.getRuntime().addShutdownHook(new Thread(handler(i)));
    }
    Timeline.registerEnd = System.nanoTime();
  }

  /** Runs the list newest first; a failing handler does not stop the others. Not a lambda. */
  static final class ListHook implements Runnable {
    final ArrayList<Runnable> handlers = new ArrayList<>();

    @Override
    public void run() {
      for (int i = handlers.size() - 1; i >= 0; i--) {
        try {
          handlers.get(i).run();
        } catch (Throwable t) {
          t.printStackTrace();
        }
      }
    }
  }
}
