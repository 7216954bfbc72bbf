@file:JvmName("SuspendHandlers")

package dev.exitscope.coroutines

import dev.exitscope.ExitHandler
import dev.exitscope.ExitScope
import dev.exitscope.Registration
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration

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
 * When its turn comes the block runs under [runBlocking] on the thread running the scope (at JVM
 * exit, a worker of the bounded run), within the smaller of [timeout] and what is left of the scope's
 * deadline ([ExitScope.timeLeft]). When that time is up its coroutine is cancelled: its `finally`
 * blocks run, the [kotlinx.coroutines.TimeoutCancellationException] is reported as the handler's
 * failure, and the next handler runs. A block stuck in code that ignores cancellation is abandoned
 * at exit [CANCELLATION_GRACE] later (or at the deadline), as a blocking handler would be.
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
 * Registers a plain (blocking) Kotlin function so that it can be unregistered by an equal one:
 * `registerFunction(obj::close)` then `unregister(obj::close)`, as Python's `register(obj.close)`
 * then `unregister(obj.close)`. (`register(obj::close)` converts the reference to an [ExitHandler],
 * a new object without Kotlin's equality, so only the returned handler removes it.)
 *
 * @return [function] itself
 */
public fun ExitScope.registerFunction(function: () -> Unit): () -> Unit {
  register(FunctionHandler(function))
  return function
}

/**
 * Cancels [job] when this scope runs (at JVM exit for [ExitScope.global]) and waits for it to
 * complete, `finally` blocks included, as [kotlinx.coroutines.cancelAndJoin] does: Arrow's
 * SuspendApp, with a bound. The wait is bounded by [timeout] and what is left of the deadline;
 * past it the failure names the job. The registration is removed once the job completes by itself,
 * so a finished job leaves nothing behind.
 *
 * @return the registration, to detach it earlier
 */
public fun ExitScope.cancelAndJoinAtExit(job: kotlinx.coroutines.Job, timeout: Duration = Duration.INFINITE): Registration {
  requirePositive(timeout, "timeout")
  Preload.start()
  val handler = SuspendHandler({ cancelAndJoin(job) }, timeout, "cancelAndJoin $job")
  val registration = pushBounded(handler.name, timeout, handler)
  job.invokeOnCompletion { registration.unregister() }
  return registration
}

/**
 * Cancels the [kotlinx.coroutines.Job] of [scope] at exit and waits for it, as
 * [cancelAndJoinAtExit] for a job.
 *
 * @throws IllegalArgumentException if [scope] has no job (`GlobalScope`); nothing is registered then
 */
public fun ExitScope.cancelAndJoinAtExit(
  scope: kotlinx.coroutines.CoroutineScope,
  timeout: Duration = Duration.INFINITE,
): Registration {
  val job =
    requireNotNull(scope.coroutineContext[kotlinx.coroutines.Job]) { "scope has no Job to cancel: $scope" }
  return cancelAndJoinAtExit(job, timeout)
}

/** Sets the deadline of this scope's run at exit; [ExitScope.setDeadline] for `kotlin.time`. */
public fun ExitScope.setDeadline(deadline: Duration) {
  setDeadline(requirePositive(deadline, "deadline").toJavaDuration())
}

/** This scope's deadline at exit, as a `kotlin.time` [Duration]. */
public val ExitScope.exitDeadline: Duration
  get() = deadline.toKotlinDuration()

/**
 * Registers [handler] under [name] with its own [timeout], as [ExitScope.push] does with a
 * `java.time.Duration`.
 *
 * @throws IllegalArgumentException if [timeout] is zero or negative; nothing is registered then
 */
public fun ExitScope.push(name: String, timeout: Duration, handler: ExitHandler): Registration = push(name, requirePositive(timeout, "timeout").toJavaDuration(), handler)

/**
 * Within a handler running at exit, how long it has left ([ExitScope.timeLeft]);
 * [Duration.INFINITE] elsewhere.
 */
public fun exitTimeLeft(): Duration {
  val left = ExitScope.timeLeft()
  return if (left.seconds >= Long.MAX_VALUE / 2) Duration.INFINITE else left.toKotlinDuration()
}

private suspend fun cancelAndJoin(job: kotlinx.coroutines.Job) {
  job.cancel(kotlinx.coroutines.CancellationException("the JVM is exiting"))
  job.join()
}

/** Pushes [handler] with a hard bound of [timeout] plus the grace, when [timeout] is finite. */
private fun ExitScope.pushBounded(name: String, timeout: Duration, handler: ExitHandler): Registration = if (timeout.isInfinite()) push(name, handler) else push(name, (timeout + CANCELLATION_GRACE).toJavaDuration(), handler)

private fun requirePositive(d: Duration, parameter: String): Duration {
  require(d.isPositive()) { "$parameter must be positive, was $d" }
  return d
}

/** Runs a suspending block under a bounded [runBlocking]; equal to its block, so unregister finds it. */
private class SuspendHandler(
  private val block: suspend () -> Unit,
  private val timeout: Duration,
  val name: String,
) : ExitHandler {
  override fun run() {
    val bound = minOf(timeout, exitTimeLeft())
    runBlocking {
      if (bound.isInfinite()) block() else withTimeout(bound) { block() }
    }
  }

  override fun equals(other: Any?): Boolean = other === this || other == block || (other is SuspendHandler && other.block == block)

  override fun hashCode(): Int = block.hashCode()

  override fun toString(): String = name
}

/** A blocking Kotlin function, equal to the function, so unregister finds it. */
private class FunctionHandler(private val function: () -> Unit) : ExitHandler {
  private val name = describe(function, "")

  override fun run() = function()

  override fun equals(other: Any?): Boolean = other === this || other == function || (other is FunctionHandler && other.function == function)

  override fun hashCode(): Int = function.hashCode()

  override fun toString(): String = name
}

/**
 * A readable name: `Owner::close` for a callable reference, `lambda in Outer` for a lambda, else
 * `toString()`.
 */
private fun describe(function: Any, prefix: String): String {
  if (function is kotlin.jvm.internal.CallableReference) {
    val owner = function.boundReceiver.takeIf { it !== kotlin.jvm.internal.CallableReference.NO_RECEIVER }
    val type = owner?.javaClass?.name ?: (function.owner as? kotlin.jvm.internal.ClassBasedDeclarationContainer)?.jClass?.name
    return prefix + (type ?: "") + "::" + function.name
  }
  val type = function.javaClass.name
  val lambda = type.indexOf("$$" + "Lambda")
  val outer = if (lambda > 0) type.substring(0, lambda) else type.substringBefore('$', "")
  return if (outer.isNotEmpty() && outer != type) "${prefix}lambda in $outer" else prefix + function
}

/**
 * Loads the classes a suspend handler needs at exit on a daemon thread as soon as the first one is
 * registered, so that the exit does not pay for loading kotlinx.coroutines.
 */
private object Preload {
  @Volatile private var started = false

  fun start() {
    if (started) return
    started = true
    Thread({ runBlocking { withTimeout(60.seconds) {} } }, "exitscope-preload").apply {
      isDaemon = true
      start()
    }
  }
}
