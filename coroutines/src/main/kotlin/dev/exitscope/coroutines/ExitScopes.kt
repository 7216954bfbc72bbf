// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

@file:JvmName("ExitScopes")

package dev.exitscope.coroutines

import dev.exitscope.ExitHandlerException
import dev.exitscope.ExitScope
import dev.exitscope.coroutines.internal.CALLER_CONTEXT
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.withContext
import kotlin.coroutines.CoroutineContext

/**
 * Runs [block] with a new local [ExitScope], and runs that scope's handlers, suspend ones
 * included, newest first, when [block] completes, fails or is cancelled: Python's
 * `contextlib.ExitStack` for coroutines.
 *
 * Context: suspend handlers ([registerSuspend]) run in the caller's coroutine context (its
 * dispatcher, `CoroutineName`, MDC or tracing elements) plus [NonCancellable]; blocking handlers
 * run on [Dispatchers.IO], so they never block the caller's dispatcher.
 *
 * Failures: a failing handler does not stop the others. When [block] completes, the last
 * handler's failure is thrown as the handler threw it (an `IOException` stays an `IOException`:
 * Kotlin has no checked exceptions to wrap), with the earlier ones suppressed; when [block] itself
 * failed, its exception is thrown with the handlers' failures added as suppressed.
 *
 * This suspending function is cancellable while [block] runs: if the Job of the current coroutine
 * is cancelled, [block] receives the [kotlinx.coroutines.CancellationException], the handlers
 * still run to their end (they are not cancellable), and the exception is rethrown.
 * Not thread-confined: handlers may be registered from any thread while [block] runs.
 *
 * A local scope is not tied to the JVM's exit: `suspend fun main() = exitScope { … }` runs its
 * handlers when the block ends, but a SIGTERM ends the JVM without ending the block. For that,
 * use [suspendApp].
 *
 * @param name the scope's name in reports
 * @return what [block] returns
 */
public suspend fun <T> exitScope(
  name: String = "exitScope",
  block: suspend ExitScope.() -> T,
): T {
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

private suspend fun closeOutside(scope: ExitScope) {
  val caller = currentCoroutineContext().minusKey(Job) + NonCancellable
  withContext(NonCancellable + Dispatchers.IO) { closeWith(scope, caller) }
}

/** Closes [scope] on this thread, its suspend handlers running in [caller]; failures unwrapped. */
private fun closeWith(
  scope: ExitScope,
  caller: CoroutineContext,
) {
  val outer = CALLER_CONTEXT.get()
  CALLER_CONTEXT.set(caller)
  try {
    scope.close()
  } catch (failure: Throwable) {
    throw original(failure)
  } finally {
    if (outer == null) CALLER_CONTEXT.remove() else CALLER_CONTEXT.set(outer)
  }
}

/** The handler's own exception for the core's wrapper of a checked one, earlier failures kept. */
private fun original(failure: Throwable): Throwable {
  if (failure !is ExitHandlerException) return failure
  val cause = failure.cause ?: return failure
  for (earlier in failure.suppressed) {
    if (earlier !== cause) cause.addSuppressed(original(earlier))
  }
  return cause
}
