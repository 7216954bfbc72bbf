// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope;

import org.jspecify.annotations.Nullable;

/**
 * Python's {@code atexit} module, for code ported from Python: static functions on {@link
 * ExitScope#global()}. Thread-safe, as the global scope is.
 *
 * <pre>{@code
 * AtExit.register(() -> System.out.println("Goodbye, world!"));   // atexit.register(goodbye)
 * AtExit.register(Main::goodbye, "Donny", "nice");                 // atexit.register(goodbye, 'Donny', 'nice')
 * AtExit.unregister(handler);                                      // atexit.unregister(goodbye)
 * }</pre>
 */
public final class AtExit {
  private AtExit() {}

  /** {@code atexit.register(func)}: see {@link ExitScope#register(ExitHandler)}. */
  public static ExitHandler register(ExitHandler handler) {
    return ExitScope.global().register(handler);
  }

  /** {@code atexit.register(func, a)}: see {@link ExitScope#register(ExitHandler1, Object)}. */
  public static <A extends @Nullable Object> ExitHandler1<A> register(
      ExitHandler1<A> handler, A a) {
    return ExitScope.global().register(handler, a);
  }

  /**
   * {@code atexit.register(func, a, b)}: see {@link ExitScope#register(ExitHandler2, Object,
   * Object)}.
   */
  public static <A extends @Nullable Object, B extends @Nullable Object>
      ExitHandler2<A, B> register(ExitHandler2<A, B> handler, A a, B b) {
    return ExitScope.global().register(handler, a, b);
  }

  /** {@code atexit.unregister(func)}: see {@link ExitScope#unregister(Object)}. */
  public static int unregister(Object handler) {
    return ExitScope.global().unregister(handler);
  }

  /** {@code atexit._run_exitfuncs()}: see {@link ExitScope#run()}. */
  public static void run() {
    ExitScope.global().run();
  }

  /** {@code atexit._ncallbacks()}: see {@link ExitScope#size()}. */
  public static int size() {
    return ExitScope.global().size();
  }

  /** {@code atexit._clear()}: see {@link ExitScope#clear()}. */
  public static void clear() {
    ExitScope.global().clear();
  }
}
