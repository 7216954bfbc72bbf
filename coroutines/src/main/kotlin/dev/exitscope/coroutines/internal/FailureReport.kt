// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.coroutines.internal

import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit

/**
 * The report of a `suspendApp` block's failure, once, as an uncaught exception of the thread that
 * called `suspendApp` ("main"): through its uncaught exception handler (the default one if set),
 * else printed as the JVM prints one. It is made on that thread before the handlers run, and it is
 * bounded: during the exit [CancelMain] waits for it no longer than for the block; otherwise
 * [deliver] is given a bound, past which a watchdog ends the process with status 1 and the exit
 * reports the handler still running as the `main coroutine`'s timeout.
 */
internal class FailureReport(
  private val app: MainCoroutine,
  private val failure: Throwable,
) {
  /** When the report started ([System.nanoTime]). */
  val started: Long = System.nanoTime()

  /** Set when the watchdog gave up waiting for the report and started the exit. */
  @Volatile var givenUp: Boolean = false
    private set

  private val done = CountDownLatch(1)

  /**
   * Reports the failure on the calling thread. With a finite [boundNanos], a daemon thread calls
   * `System.exit(1)` if the report is still under way after that long.
   */
  fun deliver(boundNanos: Long) {
    if (boundNanos != Long.MAX_VALUE) {
      val watchdog = Thread(null, Watchdog(boundNanos), "exitscope-report-watchdog", 0, false)
      watchdog.isDaemon = true
      watchdog.start()
    }
    try {
      report()
    } finally {
      done.countDown()
    }
  }

  private fun report() {
    val t = app.caller
    try {
      t.uncaughtExceptionHandler.uncaughtException(t, failure)
    } catch (handlerFailed: Throwable) {
      // As the JVM does when a handler throws, but the failure itself is printed too: never lost.
      print(t)
      printQuietly("Exception: " + handlerFailed.javaClass.name + " thrown from the UncaughtExceptionHandler in thread \"" + t.name + "\"")
    }
  }

  /** What `ThreadGroup.uncaughtException` prints when there is no default handler. */
  private fun print(t: Thread) {
    try {
      System.err.print("Exception in thread \"" + t.name + "\" ")
      failure.printStackTrace(System.err)
    } catch (unprintable: Throwable) {
      printQuietly(failure.javaClass.name + " (its message and stack trace could not be printed)")
    }
  }

  private inner class Watchdog(
    private val boundNanos: Long,
  ) : Runnable {
    override fun run() {
      val reported =
        try {
          done.await(boundNanos, TimeUnit.NANOSECONDS)
        } catch (interrupted: InterruptedException) {
          true // nobody interrupts this thread: the report is left alone
        }
      if (!reported) {
        givenUp = true
        System.exit(1)
      }
    }
  }
}

private fun printQuietly(line: String) {
  try {
    System.err.println(line)
  } catch (ignored: Throwable) {
    // System.err itself is broken: nothing else to write to
  }
}
