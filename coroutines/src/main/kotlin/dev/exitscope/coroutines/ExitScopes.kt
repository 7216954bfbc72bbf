// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

@file:JvmName("ExitScopes")

package dev.exitscope.coroutines

import dev.exitscope.ExitScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.withContext

/**
 * Runs [block] with a new local [ExitScope], and runs that scope's handlers, suspend ones
 * included, newest first, when [block] completes, fails or is cancelled: Python's
 * `contextlib.ExitStack` for coroutines.
 *
 * The handlers run after [block] even when the calling coroutine is cancelled: they run in a
 * [NonCancellable] context on [Dispatchers.IO], since they may block. A failing handler does not
 * stop the others. Failures surface as [ExitScope.close] throws them: the last one, the earlier
 * ones suppressed; when [block] itself failed, its exception is thrown with the handlers' failure
 * added as suppressed.
 *
 * This suspending function is cancellable while [block] runs: if the Job of the current coroutine
 * is cancelled, [block] receives the [kotlinx.coroutines.CancellationException], the handlers
 * still run to their end (they are not cancellable), and the exception is rethrown.
 * Not thread-confined: handlers may be registered from any thread while [block] runs.
 *
 * @param name the scope's name in reports
 * @return what [block] returns
 */
public suspend fun <T> exitScope(name: String = "exitScope", block: suspend ExitScope.() -> T): T {
  val scope = ExitScope.create(name)
  val result =
    try {
      scope.block()
    } catch (failure: Throwable) {
      try {
        closeOutside(scope)
      } catch (closing: Throwable) {
        if (closing !== failure) failure.addSuppressed(closing)
      }
      throw failure
    }
  closeOutside(scope)
  return result
}

private suspend fun closeOutside(scope: ExitScope) = withContext(NonCancellable + Dispatchers.IO) { scope.close() }
