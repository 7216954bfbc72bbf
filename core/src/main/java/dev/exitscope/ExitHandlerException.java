// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope;

/**
 * Carries a checked exception thrown by an exit handler to a caller that cannot declare it: {@link
 * ExitScope#run()}, {@link ExitScope#close()}, or a registration on a closed scope. The handler's
 * exception is the {@linkplain #getCause() cause}.
 */
public final class ExitHandlerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Wraps the checked exception of one handler.
   *
   * @param handler the handler's name, as reports show it
   * @param cause the exception the handler threw
   */
  public ExitHandlerException(String handler, Throwable cause) {
    super("exit handler " + handler + " failed: " + cause, cause);
  }
}
