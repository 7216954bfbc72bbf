// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlin.time.Duration.Companion.seconds

/** What every scenario's handlers print at exit, newest first, after the block's `finally`. */
private val HANDLERS = listOf("suspend handler", "older handler", "global handler registered before the app")

/** Runs `SuspendAppMain <scenario>`, sends [signal] once it is ready, and returns how it ended. */
private fun app(
  scenario: String,
  signal: String? = null,
  jvmArgs: List<String> = emptyList(),
): ChildResult {
  val child = ChildJvm(scenario, jvmArgs = jvmArgs, mainClass = SuspendAppMain::class.java.name)
  if (signal != null) {
    child.awaitLine("ready")
    child.signal(signal)
  }
  return child.await()
}

/**
 * `fun main() = suspendApp { }` in real JVMs: how each way of ending runs the block's `finally`
 * blocks and handlers and sets the status. The regression tests are named after what users of
 * Arrow's SuspendApp hit.
 */
class SuspendAppTest : FunSpec({
  context("the block ends by itself") {
    test("a block that returns runs its finally, then its handlers newest first, then older global ones, and exits 0") {
      val r = app("returns")
      r.exitCode shouldBe 0
      r.lines shouldContainExactly listOf("block returns", "finally ran") + HANDLERS
      r.stderr shouldBe ""
    }

    test("arrow-kt/arrow#3583: a block that returns ends the process although a non-daemon thread still runs") {
      val r = app("returns-leaving-a-thread")
      r.exitCode shouldBe 0
      r.lines shouldContainExactly listOf("block returns", "finally ran") + HANDLERS
      r.took shouldBeLessThan 20.seconds
    }

    test("a block that fails runs its handlers, reports the failure once, and exits 1") {
      val r = app("fails")
      r.exitCode shouldBe 1
      r.lines shouldContainExactly listOf("finally ran") + HANDLERS
      r.stderr.split("java.lang.IllegalStateException: the block failed").size shouldBe 2 // once
      r.stderr shouldContain "Exception in thread \"main\" java.lang.IllegalStateException: the block failed"
    }

    test("exit(6) from a child coroutine unwinds the main coroutine, as Python's sys.exit, and exits 6") {
      val r = app("exit-status")
      r.exitCode shouldBe 6
      r.lines shouldContainExactly listOf("finally ran") + HANDLERS
      r.stderr shouldBe ""
    }
  }

  context("a signal cancels the block") {
    for ((signal, status) in listOf("TERM" to 143, "INT" to 130, "HUP" to 129)) {
      test("SIG$signal cancels it, its finally blocks run (suspending ones too), then its handlers, and the status is $status") {
        val r = app("waits", signal)
        r.exitCode shouldBe status
        r.lines shouldContainExactly listOf("ready", "finally ran", "finally suspended") + HANDLERS
      }
    }

    test("arrow-kt/arrow#3849: the exit's own cancellation is never printed on a clean SIGTERM") {
      val r = app("waits", "TERM")
      r.exitCode shouldBe 143
      r.stderr shouldBe ""
    }
  }

  context("System.exit") {
    test("System.exit(3) on another thread cancels the block, runs its finally and handlers, and keeps the status") {
      val r = app("exit-from-another-thread")
      r.exitCode shouldBe 3
      r.lines shouldContainExactly listOf("finally ran") + HANDLERS
      r.took shouldBeLessThan 20.seconds
    }

    test("arrow-kt/arrow#3846: System.exit(4) inside the block does not deadlock: the handlers run at once and the status is kept") {
      val r = app("exit-in-block")
      r.exitCode shouldBe 4
      r.lines shouldContainExactly HANDLERS // the main thread is inside System.exit: its finally cannot run
      r.took shouldBeLessThan 20.seconds // the deadline is 30 s: nothing waited for it
    }

    test("exitProcess(5) in a child coroutine on another dispatcher does not deadlock either") {
      val r = app("exit-in-child")
      r.exitCode shouldBe 5
      // Only what is promised: once a thread of the block is inside System.exit the exit waits for
      // none of the block, so the main thread's finally may print before, among or after the
      // handlers, or not at all (the JVM halts first).
      r.lines.filter { it != "finally ran" } shouldContainExactly HANDLERS
      r.stderr shouldBe ""
      r.took shouldBeLessThan 20.seconds
    }
  }

  context("a bounded exit (cats-effect's shutdown hook timeout)") {
    test("a finally blocked past the deadline is reported where it blocks; the handlers still run and the status is kept") {
      val r = app("slow-finally", "TERM", jvmArgs = listOf("-Dexitscope.deadline=PT2S"))
      r.exitCode shouldBe 143
      r.lines shouldContainExactly listOf("ready", "finally ran", "time left true") + HANDLERS
      r.stderr shouldContain "Exit handler main coroutine timed out after"
      r.stderr shouldContain "java.lang.Thread.sleep"
      r.stderr shouldContain "(SuspendAppMain.kt:"
      r.took shouldBeLessThan 15.seconds
    }

    test("suspendApp(timeout = 1.seconds) stops waiting for a finally suspended past it; the handlers still run") {
      val r = app("timeout", "TERM")
      r.exitCode shouldBe 143
      r.lines shouldContainExactly listOf("ready", "finally ran") + HANDLERS
      r.stderr shouldContain "Exit handler main coroutine timed out after 1"
      r.took shouldBeLessThan 15.seconds
    }
  }

  test("exitScope inside the app: SIGTERM runs its suspend handlers in the caller's context, its blocking ones off the caller's thread") {
    val child = ChildJvm(mainClass = ExitScopeInAppMain::class.java.name)
    child.awaitLine("ready")
    child.signal("TERM")
    val r = child.await()
    r.exitCode shouldBe 143
    r.lines shouldContainExactly listOf("ready", "blocking handler off the main thread: true", "exitScope handler in app")
    r.stderr shouldNotContain "Exception"
  }
})
