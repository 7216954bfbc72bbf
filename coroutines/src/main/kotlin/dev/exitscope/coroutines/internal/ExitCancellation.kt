// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.coroutines.internal

import dev.exitscope.ExitScope
import kotlinx.coroutines.CancellationException

/**
 * The cancellation of a coroutine by the JVM's exit (`cancelAndJoinAtExit`, `suspendApp`): the
 * exit's own doing, so it is never reported as a failure.
 */
internal class ExitCancellation : CancellationException("the JVM is exiting")

/**
 * `exit(status)` in a `suspendApp` block: Python's `SystemExit`, a cancellation that unwinds the
 * main coroutine, then the process exits with [status].
 */
internal class AppExit(
  val status: Int,
) : CancellationException("exit($status)")

/**
 * Whether [e] is, or was copied from, the exit's own cancellation: a chain of cancellations (the
 * copies kotlinx.coroutines makes, a child's `JobCancellationException`) down to it. A failure
 * merely caused by it (`throw IllegalStateException("cleanup failed", e)` in a `finally`) is a
 * failure like any other.
 */
internal fun isExitCancellation(e: Throwable): Boolean {
  var t: Throwable? = e
  var depth = 0
  while (t is CancellationException && depth++ < 16) {
    if (t is ExitCancellation) return true
    t = t.cause
  }
  return false
}

/** Whether this thread runs a handler of a run at exit (not an explicit `run()`). */
internal fun inRunAtExit(): Boolean = ExitScope.timeLeft().seconds < UNBOUNDED_NANOS / 1_000_000_000L

/**
 * Keeps a thread ended by the exit's own cancellation from printing it: a `runBlocking` whose job
 * `cancelAndJoinAtExit` cancelled rethrows the cancellation, and `main` would end with
 * `Exception in thread "main"` and its trace on every clean SIGTERM. Installed as the default
 * uncaught exception handler once the exit is under way, in front of the one it replaces; every
 * other exception goes where it went before.
 */
internal class QuietExitCancellation private constructor(
  private val previous: Thread.UncaughtExceptionHandler?,
) : Thread.UncaughtExceptionHandler {
  override fun uncaughtException(
    t: Thread,
    e: Throwable,
  ) {
    if (isExitCancellation(e)) return
    if (previous != null) {
      previous.uncaughtException(t, e)
    } else {
      // What ThreadGroup.uncaughtException prints when there is no default handler.
      System.err.print("Exception in thread \"" + t.name + "\" ")
      e.printStackTrace(System.err)
    }
  }

  companion object {
    fun install() {
      synchronized(this) {
        val current = Thread.getDefaultUncaughtExceptionHandler()
        if (current !is QuietExitCancellation) Thread.setDefaultUncaughtExceptionHandler(QuietExitCancellation(current))
      }
    }
  }
}
