// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope;

import org.jspecify.annotations.Nullable;

/**
 * A cleanup action that takes one argument, given at registration: Python's {@code
 * atexit.register(func, arg)}. See {@link ExitScope#register(ExitHandler1, Object)}.
 *
 * @param <A> the type of the argument
 */
@FunctionalInterface
public interface ExitHandler1<A extends @Nullable Object> {
  /**
   * Performs the cleanup with the argument given at registration.
   *
   * @param a the argument given to {@code register}
   * @throws Exception if the cleanup fails; the next handler runs regardless
   */
  void run(A a) throws Exception;
}
