// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.exitTimeLeft
import dev.exitscope.coroutines.registerSuspend
import dev.exitscope.coroutines.suspendApp
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.withContext
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * `suspendApp` at its edges, for the child-JVM tests: `SuspendAppEdgesMain <scenario>`. Each prints
 * what ran, one line each.
 */
object SuspendAppEdgesMain {
  @JvmStatic
  fun main(args: Array<String>) {
    when (val scenario = args[0]) {
      "finally-suspends-forever" -> finallyNeverEnds(timeout = 60.seconds, blocked = false)

      "finally-blocks-forever" -> finallyNeverEnds(timeout = Duration.INFINITE, blocked = true)

      "called-after-another-thread-exits" -> calledAfterAnotherThreadExits()

      "called-in-handlers" -> calledInHandlers()

      "called-in-the-block" -> {
        markExitStart()
        suspendApp { suspendApp { println("the inner block ran") } }
      }

      else -> error("unknown scenario $scenario")
    }
  }

  /**
   * A `finally` that never ends, suspended in `NonCancellable` or blocked in a call that ignores
   * interrupts on main's thread: the exit stops waiting for it and the handlers still run, with
   * their share of the deadline left.
   */
  private fun finallyNeverEnds(
    timeout: Duration,
    blocked: Boolean,
  ) = suspendApp(timeout = timeout) {
    atExit.register { println("the handler ran with ${ExitScope.timeLeft().toMillis()} ms left") }
    atExit.registerSuspend { println("the suspend handler ran") }
    try {
      println("ready")
      awaitCancellation()
    } finally {
      println("the block's wait leaves the handlers their share: ${exitTimeLeft() <= 1600.milliseconds}")
      if (blocked) sleepForever() else withContext(NonCancellable) { awaitCancellation() }
    }
  }

  /**
   * `main` calls `suspendApp` once another thread's `System.exit(7)` is under way: a handler is
   * running, and waits (at most 10 s) for `suspendApp` to return.
   */
  private fun calledAfterAnotherThreadExits() {
    val handlerRuns = CountDownLatch(1)
    val returned = CountDownLatch(1)
    ExitScope.global().register {
      handlerRuns.countDown()
      println("the running handler saw suspendApp return: ${returned.await(10, TimeUnit.SECONDS)}")
    }
    markExitStart()
    thread { System.exit(7) }
    handlerRuns.await()
    suspendApp { println("the block ran") }
    println("suspendApp returned")
    returned.countDown()
  }

  /** A blocking and a suspend exit handler each call `suspendApp`. */
  private fun calledInHandlers() {
    val global = ExitScope.global()
    global.register {
      suspendApp { println("the block ran") }
      println("suspendApp returned in a handler")
    }
    global.registerSuspend {
      suspendApp { println("the block ran") }
      println("suspendApp returned in a suspend handler")
    }
    markExitStart() // main returns
  }
}
