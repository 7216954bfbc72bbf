// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeGreaterThan
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldContainOnlyOnce
import io.kotest.matchers.string.shouldNotContain
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** The deadline every child here runs with. */
private val DEADLINE = 2.seconds

/** Starts `SuspendAppReportMain <scenario> [defaultHandler]` with a 2 s deadline. */
private fun child(
  scenario: String,
  defaultHandler: String? = null,
  deadline: Duration = DEADLINE,
) = BoundedChild(
  SuspendAppReportMain::class.java.name,
  listOfNotNull(scenario, defaultHandler),
  listOf("-Dexitscope.deadline=${deadline.inWholeMilliseconds}ms"),
)

/** Runs [scenario] to its end, sending [signal] once it is ready. */
private fun exitOf(
  scenario: String,
  defaultHandler: String? = null,
  signal: String? = null,
  deadline: Duration = DEADLINE,
): ExitResult {
  val c = child(scenario, defaultHandler, deadline)
  if (signal != null) {
    c.awaitLine("ready")
    c.signal(signal)
  }
  return c.await(deadline + 10.seconds)
}

/**
 * The failure's report is all there, from its first line to its last, before the block's handler
 * writes [HANDLER_LINE], which it does once; the exit ends within the deadline plus one second.
 */
private fun ExitResult.shouldReportCompletelyBeforeTheHandler(head: String = REPORT_HEAD) = withClue({ toString() }) {
  stderr shouldContainOnlyOnce head
  stderr shouldContainOnlyOnce HANDLER_LINE
  stderr.indexOf(HANDLER_LINE) shouldBeGreaterThan stderr.indexOf("$head\n")
  stderr.indexOf(HANDLER_LINE) shouldBeGreaterThan stderr.indexOf("$LAST_REPORT_LINE\n")
  stderr.indexOf("$LAST_REPORT_LINE\n") shouldBeGreaterThan stderr.indexOf(head)
  exitTook shouldBeLessThan DEADLINE + 1.seconds
}

/**
 * `suspendApp`: a failure of the block or of a child is reported once and completely, as `main`'s
 * uncaught exception (or through the default handler), before any handler runs, however the app
 * ends; and the report is bounded whatever the default handler does. The report and the handler
 * both write to stderr, so one stream shows their order.
 */
class SuspendAppReportTest : FunSpec({
  context("the report comes first, whatever the exit path") {
    // It raced the halt: 8 of 16 runs printed it after the handler, cut it short or lost it. Four
    // children at once, each of them once, make the race likely if it comes back.
    for ((signal, status) in listOf("TERM" to 143, "INT" to 130)) {
      test("SIG$signal, and a child's finally throws: the whole trace, then the handler, in 4 children at once") {
        val children = List(4) { child("child-finally-throws") }
        children.forEach { it.awaitLine("ready") }
        children.forEach { it.signal(signal) }
        for (r in children.map { it.await(DEADLINE + 10.seconds) }) {
          withClue({ r.toString() }) { r.status shouldBe status }
          r.shouldReportCompletelyBeforeTheHandler()
        }
      }
    }

    for ((scenario, status, how) in listOf(
      Triple("fails", 1, "the block fails by itself: status 1"),
      Triple("exit-from-another-thread", 3, "System.exit(3) on another thread, and a child's finally throws: status 3"),
      Triple("exit-status", 1, "exit(6), and a child's finally throws: the failure replaces the exit, as in Python, status 1"),
    )) {
      test(how) {
        val r = exitOf(scenario)
        withClue({ r.toString() }) { r.status shouldBe status }
        r.shouldReportCompletelyBeforeTheHandler()
      }
    }

    test("SIGTERM, and the block rethrows the exit's cancellation wrapped in its own failure: that failure is reported") {
      val r = exitOf("finally-wraps-the-cancellation", signal = "TERM")
      withClue({ r.toString() }) {
        r.status shouldBe 143
        val head = "Exception in thread \"main\" java.lang.IllegalStateException: cleanup failed"
        val cause = "Caused by: dev.exitscope.coroutines.internal.ExitCancellation: the JVM is exiting"
        r.stderr shouldContainOnlyOnce head
        r.stderr.indexOf(cause) shouldBeGreaterThan r.stderr.indexOf(head)
        r.stderr.indexOf(HANDLER_LINE) shouldBeGreaterThan r.stderr.lastIndexOf("\tat ")
      }
    }

    test("a StackOverflowError: every frame of its trace comes before the handler, status 1") {
      val r = exitOf("stack-overflow")
      withClue({ r.toString() }) {
        r.status shouldBe 1
        r.stderr shouldContainOnlyOnce "Exception in thread \"main\" java.lang.StackOverflowError"
        val report = r.stderr.substringBefore(HANDLER_LINE)
        report.lines().count { it.startsWith("\tat dev.exitscope.tests.SuspendAppReportMain.recurse(") } shouldBeGreaterThan 500
        r.stderr.substringAfter(HANDLER_LINE) shouldNotContain "\tat "
      }
    }
  }

  context("the default uncaught exception handler") {
    test("reports the failure, on main, before the handler; nothing else prints it") {
      val r = exitOf("child-finally-throws", "reports", signal = "TERM")
      withClue({ r.toString() }) {
        r.status shouldBe 143
        r.stderr.lines().first() shouldBe "default handler: the block failed in main"
        r.stderr.lines().drop(1).first() shouldBe HANDLER_LINE
        r.stderr shouldNotContain "Exception in thread"
        r.exitTook shouldBeLessThan DEADLINE + 1.seconds
      }
    }

    test("throws: the failure is still printed completely, then the handler's failure is named, then the handler runs") {
      val r = exitOf("child-finally-throws", "throws", signal = "TERM")
      withClue({ r.toString() }) { r.status shouldBe 143 }
      r.shouldReportCompletelyBeforeTheHandler()
      val note = "Exception: java.lang.IllegalStateException thrown from the UncaughtExceptionHandler in thread \"main\""
      r.stderr.indexOf(note) shouldBeGreaterThan r.stderr.indexOf(LAST_REPORT_LINE)
      r.stderr.indexOf(HANDLER_LINE) shouldBeGreaterThan r.stderr.indexOf(note)
    }

    test("calls System.exit(2): the exit does not wait for it, the handler runs and the status is 2") {
      val r = exitOf("fails", "exits", deadline = 30.seconds) // waiting would take 25 s
      withClue({ r.toString() }) {
        r.status shouldBe 2
        r.stderr.lines().first() shouldBe "default handler: the block failed, exiting with 2"
        r.stderr shouldContainOnlyOnce HANDLER_LINE
        r.exitTook shouldBeLessThan DEADLINE + 1.seconds
      }
    }

    for ((signal, status) in listOf(null to 1, "TERM" to 143)) {
      val how = if (signal == null) "the block fails by itself" else "SIG$signal, and a child's finally throws"
      test("hangs ignoring interrupts ($how): reported as the main coroutine's timeout where it hangs; the handler runs on time, status $status") {
        val r = exitOf(if (signal == null) "fails" else "child-finally-throws", "hangs", signal)
        withClue({ r.toString() }) {
          r.status shouldBe status
          r.stderr shouldContain "Exit handler main coroutine timed out after"
          r.stderr.substringAfter("Exit handler main coroutine timed out after") shouldContain "sleepForever"
          r.stderr shouldContainOnlyOnce HANDLER_LINE
          r.exitTook shouldBeLessThan DEADLINE + 1.seconds
        }
      }
    }
  }
})
