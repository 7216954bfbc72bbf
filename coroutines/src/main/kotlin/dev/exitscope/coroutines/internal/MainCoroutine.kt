// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.coroutines.internal

import dev.exitscope.ExitHandler
import dev.exitscope.ExitScope
import dev.exitscope.coroutines.SuspendAppScope
import dev.exitscope.internal.HandlerTimeoutException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.ThreadContextElement
import kotlinx.coroutines.job
import kotlinx.coroutines.runBlocking
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext

/**
 * One `suspendApp`: its main coroutine, the exit scope of its block, and the handler that ties
 * both to the JVM's exit. As a context element of the main coroutine (inherited by its children)
 * it tracks the threads running them, so that the exit can tell when the block itself called
 * `System.exit` and so can never end (Arrow's SuspendApp deadlocked there, arrow-kt/arrow#3846).
 */
internal class MainCoroutine(
  private val timeoutNanos: Long,
) : AbstractCoroutineContextElement(Key),
  ThreadContextElement<Int> {
  companion object Key : CoroutineContext.Key<MainCoroutine> {
    /** The app of this process, once `suspendApp` runs; there is one `main`. */
    @Volatile var current: MainCoroutine? = null

    /** What reports call the handler that cancels the main coroutine and waits for it. */
    const val NAME = "main coroutine"
  }

  /** The block's exit scope; registered in the global one, so it runs right after the main coroutine ends. */
  val atExit: ExitScope = ExitScope.create("main")

  /** Threads now running the main coroutine or a child, with how deeply (undispatched starts nest). */
  private val running = ConcurrentHashMap<Thread, Int>()

  /** Set once the exit has cancelled the main coroutine. */
  @Volatile private var exiting = false

  /** When the exit stops waiting for the main coroutine ([System.nanoTime]); meaningful once [bounded]. */
  @Volatile private var exitDeadline = 0L

  @Volatile private var bounded = false

  /**
   * Runs [block] as the main coroutine on this thread and returns the status the process should
   * exit with, or null when the JVM is already exiting (its status is then the exit's own).
   */
  fun run(
    context: CoroutineContext,
    block: suspend SuspendAppScope.() -> Unit,
  ): Int? {
    current = this
    val global = ExitScope.global()
    global.register(atExit) // older than the handler below: runs once the main coroutine has ended
    val failure =
      try {
        runBlocking(context + this) {
          val job = coroutineContext.job
          val registration = global.push(NAME, CancelMain(job, this@MainCoroutine, timeoutNanos))
          job.invokeOnCompletion { registration.unregister() }
          AppScope(this, atExit).block()
        }
        null
      } catch (e: Throwable) {
        e
      }
    val exitingNow = exiting || jvmIsExiting()
    return when {
      failure == null -> if (exitingNow) null else 0

      isExitCancellation(failure) -> null

      // the exit's own doing: nothing to report (arrow-kt/arrow#3849)
      failure is AppExit -> if (exitingNow) null else failure.status

      else -> {
        report(failure)
        if (exitingNow) null else 1
      }
    }
  }

  /** Called at exit by [CancelMain], on a worker of the run at exit. */
  fun exitStarted(waitNanos: Long) {
    exitDeadline = System.nanoTime() + waitNanos
    bounded = waitNanos != Long.MAX_VALUE
    exiting = true
  }

  /** Within the main coroutine during the exit, the time before the exit stops waiting for it. */
  fun nanosLeftOnThisThread(): Long {
    if (!bounded || !running.containsKey(Thread.currentThread())) return Long.MAX_VALUE
    return maxOf(0L, exitDeadline - System.nanoTime())
  }

  /** Whether the calling thread runs the main coroutine or a child now. */
  fun runsOnThisThread(): Boolean = running.containsKey(Thread.currentThread())

  /** Whether a thread running the main coroutine is inside `System.exit`: it will never come back. */
  fun stuckInExit(): Boolean = running.keys.any { t -> t.stackTrace.any { isExitFrame(it) } }

  /** Where the main coroutine is, if a thread runs it now (blocked in a `finally`); else nothing. */
  fun where(): Array<StackTraceElement> = running.keys.firstOrNull()?.stackTrace ?: emptyArray()

  override fun updateThreadContext(context: CoroutineContext): Int {
    val t = Thread.currentThread()
    val depth = running[t] ?: 0
    running[t] = depth + 1 // only t writes its own entry
    return depth
  }

  override fun restoreThreadContext(
    context: CoroutineContext,
    oldState: Int,
  ) {
    val t = Thread.currentThread()
    if (oldState == 0) running.remove(t) else running[t] = oldState
  }

  override fun toString(): String = "MainCoroutine"
}

/**
 * At exit: cancels the main coroutine with the exit's own cancellation and waits until it has
 * ended, `finally` blocks included, within its timeout or a little less than the run's time left
 * (so that the block's handlers, which run next, still get a moment). Returns at once when the main
 * coroutine is stuck in a `System.exit` call, which never returns. Never calls `System.exit`.
 */
private class CancelMain(
  private val job: Job,
  private val app: MainCoroutine,
  private val timeoutNanos: Long,
) : ExitHandler {
  override fun run() {
    val start = System.nanoTime()
    val left = nanosLeft()
    val wait =
      when {
        timeoutNanos != Long.MAX_VALUE -> minOf(timeoutNanos, left)

        left == Long.MAX_VALUE -> Long.MAX_VALUE

        // an explicit run: nothing bounds it
        else -> left - minOf(left / 10, TimeUnit.MILLISECONDS.toNanos(200))
      }
    app.exitStarted(wait)
    if (job.isCompleted) return
    val done = CountDownLatch(1)
    job.invokeOnCompletion { done.countDown() }
    job.cancel(ExitCancellation())
    if (app.runsOnThisThread()) return // run from inside the main coroutine (global().run()): waiting would deadlock
    while (true) {
      if (app.stuckInExit()) return // the block called System.exit: waiting would deadlock
      val remaining = if (wait == Long.MAX_VALUE) Long.MAX_VALUE else start + wait - System.nanoTime()
      if (remaining <= 0) {
        val after = System.nanoTime() - start
        val cause = TimeoutException("the main coroutine did not end within ${after / 1_000_000} ms of its cancellation")
        throw HandlerTimeoutException(after, app.where(), cause)
      }
      if (done.await(minOf(remaining, POLL_NANOS), TimeUnit.NANOSECONDS)) return
    }
  }

  override fun toString(): String = MainCoroutine.NAME

  private companion object {
    /** How often the wait looks for a `System.exit` call in the main coroutine. */
    val POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50)
  }
}

private class AppScope(
  scope: CoroutineScope,
  override val atExit: ExitScope,
) : SuspendAppScope,
  CoroutineScope by scope {
  override fun exit(status: Int): Nothing {
    val exit = AppExit(status)
    coroutineContext.job.cancel(exit) // the main coroutine, whichever child calls this
    throw exit
  }
}

private fun isExitFrame(frame: StackTraceElement): Boolean {
  val type = frame.className
  return (type == "java.lang.Shutdown" || type == "java.lang.Runtime") && frame.methodName == "exit"
}

/** Whether the JVM's shutdown has begun: it then refuses new hooks (Hadoop's test). */
internal fun jvmIsExiting(): Boolean {
  val probe = Thread(null, null, "exitscope-probe", 0, false)
  return try {
    Runtime.getRuntime().addShutdownHook(probe)
    Runtime.getRuntime().removeShutdownHook(probe)
    false
  } catch (exiting: IllegalStateException) {
    true
  }
}

/** Reports the block's failure once, as an uncaught exception of the calling thread ("main"). */
private fun report(failure: Throwable) {
  val t = Thread.currentThread()
  try {
    t.uncaughtExceptionHandler.uncaughtException(t, failure)
  } catch (ignored: Throwable) {
    failure.printStackTrace()
  }
}
