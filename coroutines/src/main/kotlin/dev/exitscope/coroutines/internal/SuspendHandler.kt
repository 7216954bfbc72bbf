// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.coroutines.internal

import dev.exitscope.ExitHandler
import dev.exitscope.internal.HandlerTimeoutException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.asContextElement
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.jvm.internal.CoroutineStackFrame
import kotlin.time.Duration
import kotlin.time.Duration.Companion.nanoseconds

/**
 * The context a suspend handler runs in when `exitScope { }` closes its scope: the caller's, plus
 * `NonCancellable`. Set on the thread that runs the scope's handlers, for the length of that run.
 */
internal val CALLER_CONTEXT: ThreadLocal<CoroutineContext> = ThreadLocal()

/**
 * Runs a suspending block under a bounded [runBlocking]; equal to its block, so unregister finds
 * it. With a timeout, the block's coroutine is cancelled when the timeout (or the time the run at
 * exit has left, if less) is up, and the handler throws [HandlerTimeoutException]: the run at exit
 * reports it as a timeout, with where the coroutine was suspended when that can be seen; an
 * explicit run throws the [TimeoutCancellationException] itself.
 */
internal class SuspendHandler(
  private val block: suspend () -> Any?,
  private val timeout: Duration,
  val name: String,
) : ExitHandler {
  override fun run() {
    val context = CALLER_CONTEXT.get() ?: EmptyCoroutineContext
    val timeoutNanos = nanosOf(timeout)
    if (timeoutNanos == Long.MAX_VALUE) {
      // Bounded by the deadline alone: at exit the watchdog interrupts this thread at the
      // deadline, which cancels the coroutine; no timer, no tracking, nothing more to load.
      runBlocking(context) { block() }
    } else {
      runBounded(context, timeoutNanos)
    }
  }

  private fun runBounded(
    context: CoroutineContext,
    timeoutNanos: Long,
  ) {
    val start = System.nanoTime()
    val bound = minOf(timeoutNanos, nanosLeft())
    var tracker: SuspensionTracker? = null
    try {
      runBlocking(context + OWN_DEADLINE.asContextElement(start + bound)) {
        val dispatcher = coroutineContext[ContinuationInterceptor] as? CoroutineDispatcher
        if (dispatcher == null) {
          withTimeout(bound.nanoseconds) { block() }
        } else {
          val t = SuspensionTracker(dispatcher, start + bound)
          tracker = t
          withContext(t) { withTimeout(bound.nanoseconds) { block() } }
        }
      }
    } catch (e: TimeoutCancellationException) {
      val ran = System.nanoTime() - start
      if (ran < bound) throw e // an inner timeout of the block: its failure, not this handler's timeout
      val t = tracker
      val where = t?.where
      // When it was timed out, not when its finally blocks were done.
      val after = if (t != null && where != null) t.seenAt - start else bound
      throw HandlerTimeoutException(after, where ?: definedAt(), e)
    }
  }

  /** Where the block is written, for a suspend lambda; nothing for a reference. */
  private fun definedAt(): Array<StackTraceElement> {
    val element = (block as? CoroutineStackFrame)?.getStackTraceElement() ?: return emptyArray()
    return arrayOf(element)
  }

  override fun equals(other: Any?): Boolean = other === this || other == block || (other is SuspendHandler && other.block == block)

  override fun hashCode(): Int = block.hashCode()

  override fun toString(): String = name
}

/**
 * Dispatches as [dispatcher] does, and remembers the coroutine frames of the first continuation
 * it resumes once [armedAt] ([System.nanoTime]) has passed: when a timeout cancels a suspended
 * coroutine, that is the cancelled continuation, and its frames (kept by the compiler for stack
 * trace recovery, without any debug agent) say where the coroutine was suspended. A coroutine
 * suspended under another dispatcher (`withContext(Dispatchers.IO)`) shows where it switched; one
 * blocked in code that ignores cancellation shows nothing here (the run at exit then reports its
 * thread's stack when it abandons it).
 */
internal class SuspensionTracker(
  private val dispatcher: CoroutineDispatcher,
  private val armedAt: Long,
) : CoroutineDispatcher() {
  @Volatile var where: Array<StackTraceElement>? = null

  /** When [where] was seen ([System.nanoTime]). */
  @Volatile var seenAt: Long = 0L

  override fun isDispatchNeeded(context: CoroutineContext): Boolean = dispatcher.isDispatchNeeded(context)

  override fun dispatch(
    context: CoroutineContext,
    block: Runnable,
  ) {
    if (where == null) {
      val now = System.nanoTime()
      if (now - armedAt >= 0) {
        seenAt = now
        where = framesOf(block)
      }
    }
    dispatcher.dispatch(context, block)
  }

  override fun toString(): String = dispatcher.toString()
}

private const val OWN_PACKAGE = "dev.exitscope.coroutines.internal."

/** The user's coroutine frames of a continuation about to be resumed, innermost first; null if none. */
internal fun framesOf(task: Any): Array<StackTraceElement>? {
  var frame = task as? CoroutineStackFrame
  val frames = ArrayList<StackTraceElement>()
  var depth = 0
  while (frame != null && depth++ < 1024) {
    val element = frame.getStackTraceElement()
    if (element != null && !element.className.startsWith(OWN_PACKAGE)) frames.add(element)
    frame = frame.callerFrame
  }
  return if (frames.isEmpty()) null else frames.toTypedArray()
}
