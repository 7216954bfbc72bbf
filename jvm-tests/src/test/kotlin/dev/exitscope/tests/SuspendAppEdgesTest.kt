// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.comparables.shouldBeGreaterThanOrEqualTo
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldContainOnlyOnce
import kotlin.time.Duration.Companion.seconds

/** Runs `SuspendAppEdgesMain <scenario>` with a 2 s deadline, sending [signal] once it is ready. */
private fun exitOf(
  scenario: String,
  signal: String? = null,
): ExitResult {
  val child = BoundedChild(SuspendAppEdgesMain::class.java.name, listOf(scenario), listOf("-Dexitscope.deadline=2s"))
  if (signal != null) {
    child.awaitLine("ready")
    child.signal(signal)
  }
  return child.await(12.seconds)
}

/**
 * `suspendApp` at its edges: the wait for a block that never ends leaves the handlers their share
 * of the deadline; called while the JVM is already exiting it returns at once; called twice it is
 * refused.
 */
class SuspendAppEdgesTest : FunSpec({
  context("the wait for the block never takes the handlers' share: a quarter of the deadline, 500 ms of 2 s") {
    for ((scenario, how) in listOf(
      "finally-suspends-forever" to "suspendApp(timeout = 60.seconds) and a finally suspended forever",
      "finally-blocks-forever" to "no timeout and a finally blocked on main's thread, ignoring interrupts",
    )) {
      test("$how: the block is given up after 1.5 s, and its handlers run with the rest") {
        val r = exitOf(scenario, "TERM")
        withClue({ r.toString() }) {
          r.status shouldBe 143
          r.lines.take(2) shouldContainExactly listOf("ready", "the block's wait leaves the handlers their share: true")
          r.lines.drop(2).map { it.substringBefore(" with ") } shouldContainExactly listOf("the suspend handler ran", "the handler ran")
          // 500 ms were kept: at least 250 of them are left when the last handler starts
          val left = r.lines.last().substringAfter(" with ").substringBefore(" ms left").toLong()
          left shouldBeGreaterThanOrEqualTo 250L
          r.stderr shouldContainOnlyOnce "Exit handler main coroutine timed out after 1"
          r.exitTook shouldBeLessThan 3.seconds // the deadline plus one second
        }
      }
    }
  }

  context("called while the JVM is already exiting, suspendApp returns at once, runs nothing and prints nothing") {
    test("from main, once another thread's System.exit(7) runs a handler: the handler sees it return") {
      val r = exitOf("called-after-another-thread-exits")
      withClue({ r.toString() }) {
        r.status shouldBe 7
        r.lines shouldContainExactly listOf("suspendApp returned", "the running handler saw suspendApp return: true")
        r.stderr shouldBe ""
      }
    }

    test("from a blocking and from a suspend exit handler: each returns at once and the exit ends cleanly") {
      val r = exitOf("called-in-handlers")
      withClue({ r.toString() }) {
        r.status shouldBe 0
        r.lines shouldContainExactlyInAnyOrder listOf("suspendApp returned in a handler", "suspendApp returned in a suspend handler")
        r.stderr shouldBe ""
      }
    }
  }

  test("suspendApp called in its own block is refused with IllegalStateException: the block fails, reported, status 1") {
    val r = exitOf("called-in-the-block")
    withClue({ r.toString() }) {
      r.status shouldBe 1
      r.lines shouldBe emptyList()
      r.stderr shouldContain "Exception in thread \"main\" java.lang.IllegalStateException: suspendApp is already running"
    }
  }
})
