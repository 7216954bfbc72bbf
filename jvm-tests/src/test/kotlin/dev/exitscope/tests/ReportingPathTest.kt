// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldContainOnlyOnce
import io.kotest.matchers.string.shouldNotContain
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** What [ReportingPrograms.registerUsual]'s handlers print: the two that neither fail nor hang. */
private val usualRan = listOf("newest ran", "oldest ran")

/** How long a child may take, start-up included, before its exit counts as hung. */
private fun hangBound(deadline: Duration) = deadline + 10.seconds

/**
 * Runs `ReportingPrograms scenario variant` with `-Dexitscope.deadline=deadline` to its end, failing
 * with "still running" if its exit hangs.
 */
private fun exitOf(
  scenario: String,
  variant: String? = null,
  deadline: Duration = 2.seconds,
  jvmArgs: List<String> = listOf("-Dexitscope.deadline=${deadline.inWholeMilliseconds}ms"),
): ExitResult {
  val child = BoundedChild(ReportingPrograms::class.java.name, listOfNotNull(scenario, variant), jvmArgs)
  return child.await(hangBound(deadline))
}

/** The goal of issue 10: the exit ends within its deadline plus one second, timed from its start. */
private fun ExitResult.shouldEndWithin(deadline: Duration) = withClue(this) { exitTook shouldBeLessThan deadline + 1.seconds }

/** The usual failure and timeout, as the default listener words them, on the child's stderr. */
private fun ExitResult.shouldReportUsualProblems() {
  stderr.lines() shouldContain "Exception ignored in exit handler failing"
  stderr shouldContain "java.lang.IllegalStateException: the failing handler's own failure"
  stderr shouldContain "Exit handler sleeper timed out after"
}

private fun <T> withClue(result: ExitResult, check: () -> T): T = io.kotest.assertions.withClue({ result.toString() }, check)

/**
 * Issue 10: the exit stays bounded and loses nothing, whatever the reporting path does. Each test
 * runs an attack on the reporting path in a child JVM (see [ReportingPrograms]) and checks the exit
 * status, which handlers ran, what reached stderr, and that the exit ended within the deadline plus
 * one second, timed from the moment the exit started (the JVM's start-up is not counted).
 */
class ReportingPathTest : FunSpec({
  context("a report that blocks") {
    test("a listener waiting for a lock that main holds while calling System.exit(6) neither hangs the exit nor loses the status") {
      val r = exitOf("listener-blocks-on-main-lock")
      withClue(r) {
        r.status shouldBe 6
        r.lines shouldContainExactly usualRan
        r.shouldReportUsualProblems()
        r.stderr shouldContain "exitscope: exit listener locked listener did not return within"
      }
      r.shouldEndWithin(2.seconds)
    }

    for (where in listOf("every", "runStarted", "handlerFailed", "handlerTimedOut", "runFinished")) {
      test("a listener blocking forever in ${if (where == "every") "every method" else where} delays no handler and the JVM exits within the deadline") {
        val r = exitOf("listener-blocks", where)
        withClue(r) {
          r.status shouldBe 5
          r.lines shouldContainExactly usualRan
          r.stderr shouldNotContain "Exit handler oldest timed out" // not blamed for the listener's hang
          if (where == "every" || where == "handlerFailed") {
            r.stderr.lines() shouldContain "Exception ignored in exit handler failing"
          }
          if (where == "every" || where == "handlerTimedOut") {
            r.stderr shouldContain "Exit handler sleeper timed out after"
          }
        }
        r.shouldEndWithin(2.seconds)
      }
    }

    test("on SIGTERM, a listener blocking forever neither hangs the exit nor loses status 143") {
      val child = BoundedChild(ReportingPrograms::class.java.name, listOf("listener-blocks-until-signal"), listOf("-Dexitscope.deadline=2s"))
      child.awaitLine("ready")
      child.signal("TERM")
      val r = child.await(hangBound(2.seconds))
      withClue(r) {
        r.status shouldBe 143
        r.lines shouldContainExactly listOf("ready") + usualRan
        r.shouldReportUsualProblems()
      }
      r.shouldEndWithin(2.seconds)
    }

    test("the default listener reports a timeout even when the abandoned handler holds System.err's lock, and status 3 is kept") {
      val r = exitOf("stderr-lock-held-by-abandoned-handler")
      withClue(r) {
        r.status shouldBe 3
        r.lines shouldContainExactly listOf("older ran")
        r.stderr shouldContain "Exit handler closing pool timed out after"
        r.stderr shouldContain "java.io.PrintStream.format"
      }
      r.shouldEndWithin(2.seconds)
    }

    test("a stderr pipe nobody reads delays no handler, and the JVM exits within the deadline with its status") {
      val child = BoundedChild(ReportingPrograms::class.java.name, listOf("stderr-pipe-full"), listOf("-Dexitscope.deadline=2s"), drainStderr = false)
      val r = child.await(hangBound(2.seconds))
      withClue(r) {
        r.status shouldBe 7
        r.lines.drop(1) shouldContainExactly usualRan // after "stderr blocked after N bytes"
      }
      r.shouldEndWithin(2.seconds)
      child.remainingStderr()
    }

    test("a System.err whose writes never return delays no handler, and reports reach the process's stderr") {
      val r = exitOf("stderr-replaced", "blocks")
      withClue(r) {
        r.status shouldBe 4
        r.lines shouldContainExactly usualRan
        r.shouldReportUsualProblems()
      }
      r.shouldEndWithin(2.seconds)
    }
  }

  context("a failure while reporting") {
    test("a listener throwing from every method: every handler runs and every problem still reaches stderr") {
      val r = exitOf("throwing-listener", "plain")
      withClue(r) {
        r.status shouldBe 2
        r.lines shouldContainExactly usualRan
        r.shouldReportUsualProblems()
        r.stderr shouldContain "exitscope: exit listener throwing listener threw"
      }
      r.shouldEndWithin(2.seconds)
    }

    test("a listener whose toString throws too is named by its class and identity hash, and the run goes on") {
      val r = exitOf("throwing-listener", "toString-throws")
      withClue(r) {
        r.status shouldBe 2
        r.lines shouldContainExactly usualRan
        r.shouldReportUsualProblems()
        r.stderr shouldContain Regex("exitscope: exit listener dev\\.exitscope\\.tests\\.ReportingPrograms\\\$ThrowingListener@[0-9a-f]+ threw")
      }
      r.shouldEndWithin(2.seconds)
    }

    test("with a throwing listener, a handler hanging past the deadline and those skipped still reach stderr") {
      val r = exitOf("throwing-listener-past-deadline", deadline = 1.seconds)
      withClue(r) {
        r.status shouldBe 0
        r.lines shouldBe emptyList()
        r.stderr shouldContain "Exit handler hanger timed out after"
        r.stderr shouldContain "1 exit handler(s) did not run: oldest"
      }
      r.shouldEndWithin(1.seconds)
    }

    test("a listener whose toString never returns and that throws: the handlers run and the problems reach stderr") {
      val r = exitOf("listener-toString-blocks")
      withClue(r) {
        r.status shouldBe 2
        r.lines shouldContainExactly usualRan
        r.shouldReportUsualProblems()
      }
      r.shouldEndWithin(2.seconds)
    }

    test("a listener calling System.exit keeps the status, blames no handler, and the failure still reaches stderr") {
      val r = exitOf("listener-exits")
      withClue(r) {
        r.status shouldBe 2
        r.lines shouldContainExactly usualRan
        r.stderr.lines() shouldContain "Exception ignored in exit handler failing"
        r.stderr shouldNotContain "called System.exit during the exit"
      }
      r.shouldEndWithin(2.seconds)
    }

    test("a listener registering, unregistering, running and clearing the scope: each handler runs once and the exit is bounded") {
      val r = exitOf("listener-reenters")
      withClue(r) {
        r.status shouldBe 2
        for (line in listOf("newest ran", "failing ran", "oldest ran", "registered by the listener ran")) {
          r.lines.count { it == line } shouldBe 1
        }
        r.lines.count { it == "pushed by the listener ran" } shouldBeLessThan 2
      }
      r.shouldEndWithin(2.seconds)
    }

    for (how in listOf("throws", "null")) {
      test("System.err replaced by ${if (how == "null") "null" else "a stream that throws"}: the next handlers run and reports reach the process's stderr") {
        val r = exitOf("stderr-replaced", how)
        withClue(r) {
          r.status shouldBe 4
          r.lines shouldContainExactly usualRan
          r.shouldReportUsualProblems()
        }
        r.shouldEndWithin(2.seconds)
      }
    }

    test("a slow listener never holds the exit past the deadline, and a failure it had no time for still reaches stderr") {
      val r = exitOf("listener-slow")
      withClue(r) {
        r.status shouldBe 3
        r.lines shouldContainExactly (9 downTo 0).map { "quick $it ran" }
        r.stderr.lines() shouldContain "Exception ignored in exit handler failing"
        r.stderr shouldNotContain "timed out"
      }
      r.shouldEndWithin(2.seconds)
    }

    test("a flood of 1000 failures reaches stderr whole") {
      val r = exitOf("failure-flood", deadline = 10.seconds)
      withClue(r) {
        r.status shouldBe 2
        r.lines shouldContainExactly listOf("oldest ran")
        Regex("Exception ignored in exit handler flood \\d+\n").findAll(r.stderr).count() shouldBe 1000
        r.stderr shouldContain "ReportingPrograms\$Flood: flood 999"
      }
      r.shouldEndWithin(10.seconds)
    }
  }

  context("a handler's name") {
    val fallback = "dev\\.exitscope\\.tests\\.ReportingPrograms\\$%s@[0-9a-f]+"

    test("a failing handler whose toString throws ExceptionInInitializerError is reported under its class name and identity hash, and the next handlers run") {
      val r = exitOf("handler-name", "initializer-error")
      withClue(r) {
        r.status shouldBe 5
        r.lines shouldContainExactly usualRan
        r.stderr shouldContain Regex("Exception ignored in exit handler ${fallback.format("BadName")}\n")
        r.stderr shouldContain "the bad name's own failure"
        r.stderr shouldNotContain "timed out" // a handler is only blamed for what it did
      }
      r.shouldEndWithin(2.seconds)
    }

    test("a failing handler whose toString, equals and hashCode throw Errors at exit is reported under its fallback name, and the next handlers run") {
      val r = exitOf("handler-name", "hostile")
      withClue(r) {
        r.status shouldBe 5
        r.lines shouldContainExactly listOf("newest ran", "unregisters ran", "oldest ran")
        // unregister propagates what the hostile equals threw: that is the caller's own failure
        r.stderr.lines() shouldContain "Exception ignored in exit handler unregisters"
        r.stderr shouldContain Regex("Exception ignored in exit handler ${fallback.format("Hostile")}\n")
        r.stderr shouldContain "the hostile handler's own failure"
        r.stderr shouldNotContain "timed out"
      }
      r.shouldEndWithin(2.seconds)
    }

    test("a failing handler whose toString never returns holds no other handler back, and no handler is blamed for it") {
      val r = exitOf("handler-name", "blocks")
      withClue(r) {
        r.status shouldBe 5
        r.lines shouldContainExactly usualRan
        r.stderr shouldNotContain "Exit handler oldest timed out"
        r.stderr shouldNotContain "Exit handler newest timed out"
      }
      r.shouldEndWithin(2.seconds)
    }
  }

  context("a handler's failure") {
    test("a failure whose getMessage throws is still reported under the handler's name, and the next handlers run") {
      val r = exitOf("failure-message", "throws")
      withClue(r) {
        r.status shouldBe 6
        r.lines shouldContainExactly usualRan
        r.stderr.lines() shouldContain "Exception ignored in exit handler bad message"
        r.stderr shouldNotContain "timed out"
      }
      r.shouldEndWithin(2.seconds)
    }

    test("a failure whose getMessage never returns holds no other handler back, and the JVM exits within the deadline") {
      val r = exitOf("failure-message", "blocks")
      withClue(r) {
        r.status shouldBe 6
        r.lines shouldContainExactly usualRan
        r.stderr shouldNotContain "Exit handler oldest timed out"
      }
      r.shouldEndWithin(2.seconds)
    }
  }

  context("the exitscope.deadline property") {
    for (bad in listOf("9999999999999999h", "9223372036854775807d", "PT9999999999999999H", "99999999999999999999s")) {
      test("'$bad', too large for a Duration, is reported once and the default used: every handler runs") {
        val r = exitOf("deadline-unreadable", jvmArgs = listOf("-Dexitscope.deadline=$bad"))
        withClue(r) {
          r.status shouldBe 4
          r.lines shouldContainExactly listOf("deadline PT30S") + usualRan
          r.stderr shouldContainOnlyOnce "ignoring -Dexitscope.deadline=$bad"
        }
        r.shouldEndWithin(2.seconds) // nothing hangs: far below the default 30 s
      }
    }
  }

  context("interrupts") {
    test("handlers interrupting their thread group, the hook thread's, lose no report and do not slow the exit") {
      val r = exitOf("interrupts-group", deadline = 4.seconds)
      withClue(r) {
        r.status shouldBe 8
        r.lines shouldContainExactly (49 downTo 0).map { "interrupter $it ran" } + "oldest ran"
        r.stderr shouldContain "Exit handler sleeper timed out after"
        r.stderr shouldNotContain "did not run"
        // 50 handlers of 1 ms and a 200 ms timeout: the watchdog spinning took seconds
        r.exitTook shouldBeLessThan 4.seconds
      }
    }
  }

  context("ExitListener.systemLogger") {
    test("with the JDK's default logging, a failure and a timeout also reach stderr, every time") {
      repeat(3) {
        val r = exitOf("system-logger", "jdk")
        withClue(r) {
          r.status shouldBe 2
          r.lines shouldContainExactly usualRan
          r.shouldReportUsualProblems()
        }
        r.shouldEndWithin(2.seconds)
      }
    }

    test("with a logger of the application's, problems reach both the logger and stderr") {
      val r = exitOf("system-logger", "own")
      withClue(r) {
        r.status shouldBe 2
        r.lines shouldContain "logger: ERROR Exception ignored in exit handler failing"
        r.lines.filter { !it.startsWith("logger: ") } shouldContainExactly usualRan
        r.shouldReportUsualProblems()
      }
      r.shouldEndWithin(2.seconds)
    }

    test("systemLogger(logger, false) sends problems to the logger only") {
      val r = exitOf("system-logger", "own-without-stderr")
      withClue(r) {
        r.status shouldBe 2
        r.lines shouldContain "logger: ERROR Exception ignored in exit handler failing"
        r.stderr shouldNotContain "Exception ignored in exit handler failing"
      }
    }
  }
})
