// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.coroutines.internal

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.SuspendAppScope
import kotlinx.coroutines.CompletableJob
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.ThreadContextElement
import kotlinx.coroutines.job
import kotlinx.coroutines.runBlocking
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext

/**
 * One `suspendApp`: its main coroutine, the exit scope of its block, and the handler that ties
 * both to the JVM's exit ([CancelMain]). As a context element of the main coroutine (inherited by
 * its children) it tracks the threads running them, so that the exit can tell when the block itself
 * called `System.exit` and so can never end (Arrow's SuspendApp deadlocked there,
 * arrow-kt/arrow#3846).
 *
 * The block *ends* ([ended]) once `runBlocking` has returned or thrown and its failure, if any, has
 * been reported: the exit waits for that, not for the coroutine's completion, so that the report is
 * complete before any handler runs.
 */
internal class MainCoroutine(
  /** How long the exit may wait for the block at most, in nanoseconds; [Long.MAX_VALUE]: no bound of its own. */
  private val timeoutNanos: Long,
) : AbstractCoroutineContextElement(Key),
  ThreadContextElement<Int> {
  companion object Key : CoroutineContext.Key<MainCoroutine> {
    /** The app of this process, once `suspendApp` runs; there is one `main`. */
    @Volatile var current: MainCoroutine? = null

    /** What reports call the handler that cancels the main coroutine and waits for it. */
    const val NAME = "main coroutine"
  }

  /** The block's exit scope; registered in the global one, so it runs right after the block has ended. */
  val atExit: ExitScope = ExitScope.create("main")

  /** The thread that called `suspendApp`, which runs the block under `runBlocking` and reports its failure. */
  val caller: Thread = Thread.currentThread()

  /** Counted down once the block has ended and its failure, if any, has been reported. */
  val ended = CountDownLatch(1)

  /**
   * The parent of the main coroutine, made before it starts: the exit cancels it, so that an exit
   * that comes before the block starts keeps the block from running at all.
   */
  private lateinit var parent: CompletableJob

  /** Threads now running the main coroutine or a child, with how deeply (undispatched starts nest). */
  private val running = ConcurrentHashMap<Thread, Int>()

  /** Set once the exit has cancelled the main coroutine. */
  @Volatile var exiting = false
    private set

  /** When the exit stops waiting for the block ([System.nanoTime]); meaningful once [bounded]. */
  @Volatile private var exitDeadline = 0L

  @Volatile private var bounded = false

  /** The report of the block's failure, once one has started; null before. */
  @Volatile var report: FailureReport? = null
    private set

  /**
   * Runs [block] as the main coroutine on this thread and returns the status the process should
   * exit with, or null when the JVM is exiting (its status is then the exit's own). When the JVM is
   * already exiting, returns null at once: nothing runs, nothing is registered.
   *
   * @throws IllegalStateException if another `suspendApp` runs in this process
   */
  fun run(
    context: CoroutineContext,
    block: suspend SuspendAppScope.() -> Unit,
  ): Int? {
    if (jvmIsExiting()) return null
    synchronized(Key) {
      val other = current
      check(other == null) { "suspendApp is already running, called on thread ${other?.caller?.name}: call it once, from main" }
      current = this
    }
    parent = Job(context[Job])
    val global = ExitScope.global()
    global.register(atExit) // older than the handler below: runs once the block has ended
    val registration = global.push(NAME, CancelMain(this, timeoutNanos))
    var status: Int? = null
    try {
      val failure = if (exiting) null else runBlock(context, block)
      status = statusAfter(failure)
    } finally {
      parent.complete()
      ended.countDown()
    }
    if (status != null) registration.unregister() // the process exits now, not because of a signal
    return status
  }

  private fun runBlock(
    context: CoroutineContext,
    block: suspend SuspendAppScope.() -> Unit,
  ): Throwable? = try {
    runBlocking(context + this + parent) { AppScope(this, atExit).block() }
    null
  } catch (e: Throwable) {
    e
  }

  /** Reports [failure] when it is one, and tells the status it means. */
  private fun statusAfter(failure: Throwable?): Int? {
    if (failure != null && !isExitCancellation(failure) && failure !is AppExit) {
      val r = FailureReport(this, failure)
      report = r
      r.deliver(if (exiting) Long.MAX_VALUE else waitNanos(timeoutNanos, ExitScope.global().deadline.toNanos()))
    }
    if (exiting || jvmIsExiting()) return null
    return when (failure) {
      null -> 0
      is AppExit -> failure.status
      else -> 1
    }
  }

  /**
   * Called at exit by [CancelMain], on a worker of the run at exit: from now on the block is
   * waited for at most [waitNanos]. Cancels the main coroutine with the exit's own cancellation.
   */
  fun exitStarted(waitNanos: Long) {
    exitDeadline = System.nanoTime() + minOf(waitNanos, UNBOUNDED_NANOS)
    bounded = waitNanos != Long.MAX_VALUE
    exiting = true
    parent.cancel(ExitCancellation())
  }

  /** Within the main coroutine during the exit, the time before the exit stops waiting for it. */
  fun nanosLeftOnThisThread(): Long {
    if (!bounded || !running.containsKey(Thread.currentThread())) return Long.MAX_VALUE
    return maxOf(0L, exitDeadline - System.nanoTime())
  }

  /** Whether the calling thread runs the main coroutine or a child now. */
  fun runsOnThisThread(): Boolean = running.containsKey(Thread.currentThread())

  /**
   * Whether a thread of the block (running the main coroutine, or [caller] reporting its failure)
   * is inside `System.exit`: it will never come back.
   */
  fun stuckInExit(): Boolean = (running.keys + caller).any { t -> t.stackTrace.any { isExitFrame(it) } }

  /** Where the block is, if a thread runs it now (blocked in a `finally`, or reporting); else nothing. */
  fun where(): Array<StackTraceElement> {
    if (report != null) return caller.stackTrace
    return running.keys.firstOrNull()?.stackTrace ?: emptyArray()
  }

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
