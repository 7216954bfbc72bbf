// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

@file:JvmName("SuspendHandlers")

package dev.exitscope.coroutines

import dev.exitscope.ExitHandler
import dev.exitscope.ExitScope
import dev.exitscope.Registration
import dev.exitscope.coroutines.internal.Preload
import dev.exitscope.coroutines.internal.SuspendHandler
import dev.exitscope.coroutines.internal.describe
import dev.exitscope.coroutines.internal.requirePositive
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.runBlocking
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toJavaDuration

/**
 * How long a suspend handler past its own timeout keeps its worker at exit: time for the `finally`
 * blocks of its cancelled coroutine. After it the run at exit abandons the handler, so code that
 * ignores cancellation (blocking I/O, a busy loop) cannot hold the exit.
 */
public val CANCELLATION_GRACE: Duration = 1.seconds

/**
 * Registers a suspending [block] in this scope's LIFO stack, beside blocking handlers: Python's
 * `atexit.register(func)` for coroutine code.
 *
 * Not a suspending function: it registers at once, from any thread. When its turn comes the block
 * runs under [runBlocking] on the thread running the scope (at JVM exit, a worker of the bounded
 * run), so it may suspend and use any dispatcher.
 *
 * Cancellation: with a [timeout], the block's coroutine is cancelled when the smaller of [timeout]
 * and what is left of the scope's deadline ([ExitScope.timeLeft]) is up: its `finally` blocks run,
 * the [kotlinx.coroutines.TimeoutCancellationException] is reported as the handler's failure (or
 * thrown by an explicit [ExitScope.run]), and the next handler runs. Without one, at exit the
 * deadline interrupts the thread, which cancels the coroutine as well. A block stuck in code that
 * ignores cancellation is abandoned at exit [CANCELLATION_GRACE] after its timeout (or at the
 * deadline), as a blocking handler would be. The first registration starts loading the classes
 * the block needs on a daemon thread, so that the exit does not pay for loading them.
 *
 * @param timeout this handler's own bound; [Duration.INFINITE] (the default) leaves only the deadline
 * @param name what reports call the handler; by default derived from [block]
 * @return [block] itself: `unregister(block)` removes it, and so does `unregister(obj::close)` after
 *   `registerSuspend(obj::close)` for a suspend `close`, since Kotlin callable references compare
 *   equal. A blocking function given here is wrapped by the compiler in a suspend adapter, which
 *   no longer equals the plain reference: keep the returned value, or use [registerFunction].
 * @throws IllegalArgumentException if [timeout] is zero or negative; nothing is registered then
 */
public fun ExitScope.registerSuspend(
  timeout: Duration = Duration.INFINITE,
  name: String? = null,
  block: suspend () -> Unit,
): suspend () -> Unit {
  val handler = SuspendHandler(block, requirePositive(timeout, "timeout"), name ?: describe(block, "suspend "))
  Preload.start()
  pushBounded(handler.name, timeout, handler)
  return block
}

/**
 * Cancels [job] when this scope runs (at JVM exit for [ExitScope.global]) and waits for it to
 * complete, `finally` blocks included, as [kotlinx.coroutines.cancelAndJoin] does: Arrow's
 * SuspendApp, with a bound. The wait is bounded by [timeout] and what is left of the deadline;
 * past it the wait is cancelled and reported under the name `cancelAndJoin <job>`. The
 * registration is removed once the job completes by itself, so a finished job leaves nothing
 * behind.
 *
 * @return the registration, to detach it earlier
 */
public fun ExitScope.cancelAndJoinAtExit(job: Job, timeout: Duration = Duration.INFINITE): Registration {
  requirePositive(timeout, "timeout")
  Preload.start()
  val handler = SuspendHandler({ cancelAndJoin(job) }, timeout, "cancelAndJoin $job")
  val registration = pushBounded(handler.name, timeout, handler)
  job.invokeOnCompletion { registration.unregister() }
  return registration
}

/**
 * Cancels the [Job] of [scope] at exit and waits for it, as
 * [cancelAndJoinAtExit] for a job.
 *
 * @throws IllegalArgumentException if [scope] has no job (`GlobalScope`); nothing is registered then
 */
public fun ExitScope.cancelAndJoinAtExit(
  scope: CoroutineScope,
  timeout: Duration = Duration.INFINITE,
): Registration {
  val job =
    requireNotNull(scope.coroutineContext[Job]) { "scope has no Job to cancel: $scope" }
  return cancelAndJoinAtExit(job, timeout)
}

private suspend fun cancelAndJoin(job: Job) {
  job.cancel(CancellationException("the JVM is exiting"))
  job.join()
}

/** Pushes [handler] with a hard bound of [timeout] plus the grace, when [timeout] is finite. */
private fun ExitScope.pushBounded(name: String, timeout: Duration, handler: ExitHandler): Registration = if (timeout.isInfinite()) push(name, handler) else push(name, (timeout + CANCELLATION_GRACE).toJavaDuration(), handler)
