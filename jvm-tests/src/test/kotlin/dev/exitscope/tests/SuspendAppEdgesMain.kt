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
}
