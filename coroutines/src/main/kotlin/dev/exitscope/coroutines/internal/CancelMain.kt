// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.coroutines.internal

import dev.exitscope.ExitHandler
import dev.exitscope.internal.HandlerTimeoutException
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException

/** The least the handlers keep of what is left of the deadline (never more than half of it). */
private val RESERVE_FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(500)

/** The most the handlers keep: with a long deadline the rest goes to the block. */
private val RESERVE_CAP_NANOS = TimeUnit.SECONDS.toNanos(5)

/**
 * The handlers' share of [leftNanos], the time left of the deadline when the exit starts waiting
 * for the block: a quarter of it, at least 500 ms (or half of it when less than 1 s is left), at
 * most 5 s. With the default 30 s the handlers keep 5 s, with a 2 s deadline 500 ms.
 */
internal fun handlersReserve(leftNanos: Long): Long = minOf(leftNanos / 2, maxOf(RESERVE_FLOOR_NANOS, minOf(leftNanos / 4, RESERVE_CAP_NANOS)))

/**
 * How long the exit waits for the block: [timeoutNanos] (`suspendApp(timeout = …)`), but never
 * into the handlers' share of [leftNanos]; [Long.MAX_VALUE] when neither bounds it (an explicit run
 * without a timeout).
 */
internal fun waitNanos(
  timeoutNanos: Long,
  leftNanos: Long,
): Long = if (leftNanos == Long.MAX_VALUE) timeoutNanos else minOf(timeoutNanos, leftNanos - handlersReserve(leftNanos))

/**
 * At exit: cancels the main coroutine with the exit's own cancellation and waits until the block
 * has ended ([MainCoroutine.ended]: its `finally` blocks have run and its failure, if any, has been
 * reported), within [waitNanos] of the run's time left, so that the block's handlers, which run
 * next, keep their share. Returns at once when a thread of the block is stuck in a `System.exit`
 * call, which never returns. Never calls `System.exit`.
 */
internal class CancelMain(
  private val app: MainCoroutine,
  private val timeoutNanos: Long,
) : ExitHandler {
  override fun run() {
    val start = System.nanoTime()
    val wait = waitNanos(timeoutNanos, nanosLeft())
    app.exitStarted(wait)
    // Waiting would deadlock when run from inside the main coroutine (global().run()), or on the
    // thread that called suspendApp (the global scope was closed when the app registered this).
    if (app.runsOnThisThread() || Thread.currentThread() === app.caller) return
    while (true) {
      if (app.ended.count == 0L || app.stuckInExit()) return // the block called System.exit: waiting would deadlock
      val report = app.report
      if (report != null && report.givenUp) throw timeout(System.nanoTime() - report.started) // a hung report, outside the exit
      val remaining = if (wait == Long.MAX_VALUE) Long.MAX_VALUE else start + wait - System.nanoTime()
      if (remaining <= 0) throw timeout(System.nanoTime() - start)
      if (app.ended.await(minOf(remaining, POLL_NANOS), TimeUnit.NANOSECONDS)) return
    }
  }

  /** The timeout the run at exit reports, with where the block is: in a `finally`, or reporting its failure. */
  private fun timeout(afterNanos: Long): HandlerTimeoutException {
    val ms = afterNanos / 1_000_000
    val message =
      if (app.report != null) {
        "the main coroutine's failure was still being reported after $ms ms"
      } else {
        "the main coroutine did not end within $ms ms of its cancellation"
      }
    val cause = TimeoutException(message)
    return HandlerTimeoutException(afterNanos, app.where(), cause)
  }

  override fun toString(): String = MainCoroutine.NAME

  private companion object {
    /** How often the wait looks for a `System.exit` call in the block. */
    val POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50)
  }
}
