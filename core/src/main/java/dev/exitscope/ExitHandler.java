// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope;

/**
 * A cleanup action run when its {@link ExitScope} runs: at JVM exit for {@link ExitScope#global()}.
 *
 * <p>Any exception or error it throws is isolated: the other handlers still run. At JVM exit it is
 * reported (see {@link ExitListener}); in an explicit {@link ExitScope#run()} it is rethrown after
 * all handlers have run.
 */
@FunctionalInterface
public interface ExitHandler {
  /**
   * Performs the cleanup.
   *
   * @throws Exception if the cleanup fails; the next handler runs regardless
   */
  void run() throws Exception;
}
