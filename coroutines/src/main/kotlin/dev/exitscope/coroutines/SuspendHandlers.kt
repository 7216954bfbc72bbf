// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

@file:JvmName("SuspendHandlers")

package dev.exitscope.coroutines

import dev.exitscope.ExitHandler
import dev.exitscope.ExitScope
import dev.exitscope.Registration
import dev.exitscope.coroutines.internal.ExitCancellation
import dev.exitscope.coroutines.internal.Preload
import dev.exitscope.coroutines.internal.QuietExitCancellation
import dev.exitscope.coroutines.internal.SuspendHandler
import dev.exitscope.coroutines.internal.describe
import dev.exitscope.coroutines.internal.inRunAtExit
import dev.exitscope.coroutines.internal.requirePositive
import kotlinx.coroutines.CoroutineName
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
 * `atexit.register(func)` for coroutine code. `registerSuspend(connection::close)` and
 * `registerSuspend { connection.close() }` both work; the other overloads add a timeout and a
 * name, in the order of [ExitScope.push]: `registerSuspend("metrics", 2.seconds) { … }`.
 *
 * Not a suspending function: it registers at once, from any thread. When its turn comes the block
 * runs under [runBlocking] on the thread running the scope (at JVM exit, a worker of the bounded
 * run), so it may suspend and use any dispatcher; in [exitScope] it runs in the caller's context.
 * Without a timeout, the deadline bounds it: at exit the watchdog interrupts the thread then,
 * which cancels the coroutine. The first registration starts loading the classes a handler needs
 * on a daemon thread, so that the exit does not pay for loading them.
 *
 * @return [block] itself: `unregister(block)` removes it, and so does `unregister(obj::close)`
 *   after `registerSuspend(obj::close)` for a suspend `close`, since Kotlin callable references
 *   compare equal. A *blocking* function given here is wrapped by the compiler in a suspend
 *   adapter, which is not equal to the plain reference: keep the returned value, or use
 *   [registerFunction].
 */
public fun <R> ExitScope.registerSuspend(block: suspend () -> R): suspend () -> R = registerSuspend(null, Duration.INFINITE, block)

/**
 * Registers a suspending [block] with its own [timeout], as [registerSuspend] without one does.
 *
 * When the smaller of [timeout] and what is left of the run's deadline is up, the block's
 * coroutine is cancelled: its `finally` blocks run, and the next handler runs. At exit that is
 * reported as the handler's timeout (`ExitListener.handlerTimedOut`, counted in
 * `ExitSummary.timedOut`), with where the coroutine was suspended when that can be seen: the
 * coroutine frames of the suspension point it was cancelled at, without any debug agent. An
 * explicit [ExitScope.run] throws the [kotlinx.coroutines.TimeoutCancellationException]. Inside the
 * block, [exitTimeLeft] never exceeds what is left of [timeout]. A block stuck in code that ignores
 * cancellation is abandoned at exit [CANCELLATION_GRACE] after its timeout, reported with its
 * thread's stack, as a blocking handler would be.
 *
 * @return [block] itself, as [registerSuspend] without a timeout
 * @throws IllegalArgumentException if [timeout] is zero or negative; nothing is registered then
 */
public fun <R> ExitScope.registerSuspend(
  timeout: Duration,
  block: suspend () -> R,
): suspend () -> R = registerSuspend(null, timeout, block)

/**
 * Registers a suspending [block] under [name], the name reports use, with its own [timeout] if
 * given: `registerSuspend("metrics", 2.seconds) { … }`, in the order of [ExitScope.push]. Otherwise
 * as the overload with a timeout.
 *
 * @param name what reports call the handler; `null` derives it from [block]
 *   (`suspend com.example.Db::close`, `suspend lambda in com.example.Main`)
 * @return [block] itself
 * @throws IllegalArgumentException if [timeout] is zero or negative; nothing is registered then
 */
public fun <R> ExitScope.registerSuspend(
  name: String?,
  timeout: Duration = Duration.INFINITE,
  block: suspend () -> R,
): suspend () -> R {
  val handler = SuspendHandler(block, requirePositive(timeout, "timeout"), name ?: describe(block, "suspend "))
  Preload.start()
  pushBounded(handler.name, timeout, handler)
  return block
}

/**
 * Cancels [job] when this scope runs (at JVM exit for [ExitScope.global]) and waits for it to
 * complete, `finally` blocks included, as [kotlinx.coroutines.cancelAndJoin] does. The wait is
 * bounded by [timeout] and what is left of the deadline, and reported as a timeout past it. The
 * registration is removed once the job completes by itself, so a finished job leaves nothing
 * behind.
 *
 * The job is cancelled with the exit's own [kotlinx.coroutines.CancellationException] ("the JVM is
 * exiting"). A thread that ends with it at exit, such as `main` leaving a `runBlocking` whose scope
 * was given here, prints nothing: exitscope then installs, in front of the default uncaught
 * exception handler, one that drops that exception alone. For an application's `main`,
 * [suspendApp] is the better path: it cancels the block, runs its handlers and keeps the status.
 *
 * @param name what reports call this handler; by default `cancelAndJoin` and the job's
 *   [CoroutineName], else the job itself
 * @return the registration, to detach it earlier
 * @throws IllegalArgumentException if [timeout] is zero or negative; nothing is registered then
 */
public fun ExitScope.cancelAndJoinAtExit(
  job: Job,
  timeout: Duration = Duration.INFINITE,
  name: String? = null,
): Registration {
  requirePositive(timeout, "timeout")
  Preload.start()
  val coroutineName = (job as? CoroutineScope)?.coroutineContext?.get(CoroutineName)?.name
  val handler = SuspendHandler(CancelAndJoin(job), timeout, name ?: ("cancelAndJoin " + (coroutineName ?: job.toString())))
  val registration = pushBounded(handler.name, timeout, handler)
  job.invokeOnCompletion { registration.unregister() }
  return registration
}

/**
 * Cancels the [Job] of [scope] at exit and waits for it, as [cancelAndJoinAtExit] for a job; the
 * default name uses the scope's [CoroutineName].
 *
 * @throws IllegalArgumentException if [scope] has no job (`GlobalScope`) or [timeout] is not
 *   positive; nothing is registered then
 */
public fun ExitScope.cancelAndJoinAtExit(
  scope: CoroutineScope,
  timeout: Duration = Duration.INFINITE,
  name: String? = null,
): Registration {
  val job = requireNotNull(scope.coroutineContext[Job]) { "scope has no Job to cancel: $scope" }
  val coroutineName = scope.coroutineContext[CoroutineName]?.name
  return cancelAndJoinAtExit(job, timeout, name ?: coroutineName?.let { "cancelAndJoin $it" })
}

/** The suspending body of [cancelAndJoinAtExit]; a class, not a lambda, as code that runs at exit. */
private class CancelAndJoin(
  private val job: Job,
) : suspend () -> Unit {
  override suspend fun invoke() {
    if (inRunAtExit()) QuietExitCancellation.install()
    job.cancel(ExitCancellation())
    job.join()
  }
}

/** Pushes [handler] with a hard bound of [timeout] plus the grace, when [timeout] is finite. */
private fun ExitScope.pushBounded(
  name: String,
  timeout: Duration,
  handler: ExitHandler,
): Registration = if (timeout.isInfinite()) push(name, handler) else push(name, (timeout + CANCELLATION_GRACE).toJavaDuration(), handler)
