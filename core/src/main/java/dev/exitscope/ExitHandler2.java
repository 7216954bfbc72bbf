// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope;

import org.jspecify.annotations.Nullable;

/**
 * A cleanup action that takes two arguments, given at registration: Python's {@code
 * atexit.register(func, a, b)}. See {@link ExitScope#register(ExitHandler2, Object, Object)}.
 *
 * @param <A> the type of the first argument
 * @param <B> the type of the second argument
 */
@FunctionalInterface
public interface ExitHandler2<A extends @Nullable Object, B extends @Nullable Object> {
  /**
   * Performs the cleanup with the arguments given at registration.
   *
   * @param a the first argument given to {@code register}
   * @param b the second argument given to {@code register}
   * @throws Exception if the cleanup fails; the next handler runs regardless
   */
  void run(A a, B b) throws Exception;
}
