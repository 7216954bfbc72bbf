// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

/**
 * Thrown by a handler that enforces its own timeout, such as the coroutines module's suspend
 * handlers (their coroutine is cancelled at the timeout, so its {@code finally} blocks run): the
 * run at exit reports it as the handler's timeout, not as a failure, with this exception's stack
 * trace as where the handler was. An explicit run throws the {@linkplain #getCause() cause}.
 */
public final class HandlerTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long afterNanos;

  /**
   * @param afterNanos how long the handler ran before it was timed out
   * @param where where the handler was when its time was up
   * @param cause the exception an explicit run throws instead of this one
   */
  public HandlerTimeoutException(long afterNanos, StackTraceElement[] where, Throwable cause) {
    super("timed out", cause, false, true);
    this.afterNanos = afterNanos;
    setStackTrace(where);
  }

  /** How long the handler ran before it was timed out, in nanoseconds. */
  public long afterNanos() {
    return afterNanos;
  }
}
