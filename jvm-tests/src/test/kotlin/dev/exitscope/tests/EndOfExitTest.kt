// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.comparables.shouldBeGreaterThan
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldMatch
import io.kotest.matchers.string.shouldNotContain
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** The promised bound: the last report is written by the deadline plus the grace (README, "Bounded"). */
private val GRACE = 500.milliseconds

/** Runs `EndOfExitPrograms scenario variant` with the given deadline, failing if its exit hangs. */
private fun exitOf(
  scenario: String,
  variant: String? = null,
  deadline: Duration = 2.seconds,
  jvmArgs: List<String> = emptyList(),
): ExitResult {
  val child =
    BoundedChild(
      EndOfExitPrograms::class.java.name,
      listOfNotNull(scenario, variant),
      jvmArgs + "-Dexitscope.deadline=${deadline.inWholeMilliseconds}ms",
    )
  return child.await(deadline + 20.seconds)
}

/**
 * The exit ended within [bound] of its start. JVM start-up is not counted; the JVM's own halt after
 * the last report is, so a test of the grace allows it half a second more.
 */
private fun ExitResult.shouldEndWithin(bound: Duration) = withClue(toString()) { exitTook shouldBeLessThan bound }

/** The skipped report: its first line and the lines that follow it, indented. */
private fun ExitResult.skippedReport(): List<String> {
  val lines = stderr.lines()
  val first = lines.indexOfFirst { it.startsWith("Exit deadline of ") }
  check(first >= 0) { "no skipped report: $this" }
  return listOf(lines[first]) + lines.drop(first + 1).takeWhile { it.startsWith("  ") }
}

/** What a report line counts: 1 a name, n a name `×n`, n for `and n more`. */
private fun countsIn(line: String): Int {
  val groups = line.substringAfter("did not run:").split(", ").filter { it.isNotBlank() }
  return groups.sumOf { group ->
    Regex("^\\s*and ([0-9,]+) more").find(group)?.groupValues?.get(1)?.replace(",", "")?.toInt()
      ?: Regex(" [×x]([0-9,]+)$").find(group)?.groupValues?.get(1)?.replace(",", "")?.toInt()
      ?: 1
  }
}

/**
 * Issue 18: the end of the exit and the pace of reports. Each test runs a program of
 * [EndOfExitPrograms] in a child JVM and checks its status, what ran, what reached stderr, and how
 * long its exit took from its start.
 */
class EndOfExitTest : FunSpec({
  context("the pace of reports") {
    test("a listener taking 100 ms a call holds back none of 2,000 quick handlers, nor the exit; what it did not hear is counted on stderr") {
      val r = exitOf("slow-listener", deadline = 4.seconds)
      withClue(r.toString()) {
        r.status shouldBe 3
        r.lines shouldContainExactly listOf("2000 quick handlers ran")
        r.stderr shouldNotContain "timed out"
        r.stderr shouldNotContain "did not run"
        r.stderr.lines() shouldContain "Exception ignored in exit handler failing" // a problem it missed
        r.stderr shouldContain Regex("exitscope: [0-9,]+ exit report\\(s\\) could not be delivered in time and were dropped \\([0-9,]+ of them progress the exit listener")
      }
      // The handlers took milliseconds; the listener has one second more, not the whole deadline.
      r.shouldEndWithin(1.seconds + 1.seconds)
    }

    test("ExitSummary.unreported and the closing note count exactly the reports a listener did not hear") {
      val r = exitOf("unreported-counted")
      withClue(r.toString()) {
        r.status shouldBe 0
        val (heard, unreported, ran) =
          Regex("heard (\\d+), unreported (\\d+), ran (\\d+)").find(r.lines.single())!!.destructured
        ran shouldBe "2001"
        unreported.toInt() shouldBeGreaterThan 0
        // The run's start, then each handler's start and end: none lost without being counted.
        heard.toInt() + unreported.toInt() shouldBe 1 + 2 * 2001
        r.stderr shouldContain "exitscope: ${"%,d".format(java.util.Locale.ROOT, unreported.toInt())} exit report(s) could not be delivered"
      }
    }
  }

  context("reports due at the deadline") {
    test("a handler hanging to the deadline whose name needs a lock main holds inside System.exit is reported under its safe name, with the skipped one, within the grace") {
      val r = exitOf("name-locked-by-main", deadline = 1.seconds)
      withClue(r.toString()) {
        r.status shouldBe 3
        r.lines shouldBe emptyList()
        r.stderr shouldContain Regex("Exit handler dev\\.exitscope\\.tests\\.EndOfExitPrograms\\\$Locked@[0-9a-f]+ timed out after")
        r.stderr shouldContain "Exit deadline of global reached; 1 exit handler(s) did not run: oldest"
      }
      r.shouldEndWithin(1.seconds + GRACE + 500.milliseconds)
    }

    test("the same with a listener: it hears the timeout and the skipped handler under safe names, within the grace") {
      val r = exitOf("name-locked-by-main", "listener", deadline = 1.seconds)
      withClue(r.toString()) {
        r.status shouldBe 3
        r.lines.size shouldBe 2
        r.lines[0] shouldMatch Regex("listener: dev\\.exitscope\\.tests\\.EndOfExitPrograms\\\$Locked@[0-9a-f]+ timed out")
        r.lines[1] shouldBe "listener: skipped [oldest]"
      }
      r.shouldEndWithin(1.seconds + GRACE + 500.milliseconds)
    }
  }

  context("the skipped report") {
    test("a million handlers skipped at the deadline make one complete report, grouped and bounded, within the grace") {
      val r = exitOf("million-skipped", deadline = 2.seconds)
      withClue(r.toString().take(5000)) {
        r.status shouldBe 4
        r.lines shouldContainExactly listOf("registered 1000014")
        val report = r.skippedReport()
        report.size shouldBe 1
        val line = report.single()
        line shouldContain Regex("^Exit deadline of global reached; 1,000,013 exit handler\\(s\\) did not run: lambda in dev\\.exitscope\\.tests\\.EndOfExitPrograms\\\$Port [×x]")
        countsIn(line) shouldBe 1_000_013
        line.length shouldBeLessThan 1000
        line shouldContain Regex(", and [0-9,]+ more$")
      }
      r.shouldEndWithin(2.seconds + GRACE + 500.milliseconds)
    }

    test("handlers of nested scopes the deadline did not reach are named by path, one line per scope") {
      val r = exitOf("nested-not-reached", deadline = 1.seconds)
      withClue(r.toString()) {
        r.skippedReport() shouldContainExactly
          listOf(
            "Exit deadline of global reached; 3 exit handler(s) did not run:",
            "  plugin/flush, plugin/close",
            "  plugin/sub/a",
          )
      }
    }
  }

  context("nested scopes at the end of the exit") {
    test("a nested scope the deadline did not reach is closed: a later registration runs at once on the caller's thread") {
      val r = exitOf("nested-not-reached", deadline = 1.seconds)
      withClue(r.toString()) {
        r.status shouldBe 0
        r.lines shouldContainExactly
          listOf(
            "plugin closed: true, sub closed: true",
            "late registration ran on late-hook",
            "late registration in sub ran on late-hook",
          )
      }
    }

    test("isRunning() of a nested scope is true while its handlers run at exit, and only then") {
      val r = exitOf("nested-running")
      withClue(r.toString()) {
        r.status shouldBe 0
        r.lines shouldContainExactly
          listOf(
            "before its turn: running false, closed false",
            "in its turn: running true, closed false",
            "after its turn: running false, closed true",
          )
      }
    }
  }

  context("timeLeft at exit") {
    test("with a reserve larger than what is left, it is zero, never negative") {
      val r = exitOf("time-left-reserve")
      withClue(r.toString()) { r.lines shouldContainExactly listOf("timeLeft(1 hour) at exit: PT0S") }
    }
  }

  context("ExitScopeLogManager") {
    val recipe = "-Djava.util.logging.manager=dev.exitscope.ExitScopeLogManager"
    for (variant in listOf("", "reread")) {
      val how = if (variant == "reread") " after reading its configuration again" else ""
      test("keeps JUL's console alive to the last handler in a program that never logged before its exit$how") {
        val r = exitOf("jul-first-record-at-exit", variant.ifEmpty { null }, jvmArgs = listOf(recipe))
        withClue(r.toString()) {
          r.status shouldBe 0
          r.stderr.lines() shouldContain "INFO: newest handler"
          r.stderr.lines() shouldContain "INFO: slow handler: still logging"
        }
      }
    }

    test("without it, that program loses the slow handler's record: JUL's own hook stops it first") {
      val r = exitOf("jul-first-record-at-exit")
      withClue(r.toString()) { r.stderr shouldNotContain "slow handler: still logging" }
    }
  }
})
