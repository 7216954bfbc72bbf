// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope

import dev.exitscope.internal.ExitHook
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldEndWith
import io.kotest.matchers.string.shouldStartWith
import io.mockk.every
import io.mockk.mockk
import io.mockk.slot
import io.mockk.verify
import io.mockk.verifyOrder
import java.time.Duration
import java.util.Collections

/** Records what a run at exit tells its listener, one line per event. */
private class Recorder : ExitListener {
  val events: MutableList<String> = Collections.synchronizedList(mutableListOf())

  override fun runStarted(scope: String, handlers: Int) {
    events += "started $scope $handlers"
  }
  override fun handlerStarted(handler: String) {
    events += "start $handler"
  }
  override fun handlerFinished(handler: String, took: Duration) {
    events += "finish $handler"
  }
  override fun handlerFailed(handler: String, failure: Throwable) {
    events += "fail $handler ${failure.message}"
  }
  override fun handlerTimedOut(handler: String, after: Duration, stack: Array<StackTraceElement>) {
    events += "timeout $handler"
  }
  override fun handlerCalledExit(handler: String, stack: Array<StackTraceElement>) {
    events += "exit $handler"
  }
  override fun handlersSkipped(scope: String, handlers: List<String>) {
    events += "skipped $handlers"
  }
  override fun runFinished(scope: String, summary: ExitSummary) {
    events += "summary ${summary.succeeded} ${summary.failed} ${summary.timedOut} ${summary.skipped}"
  }
}

/**
 * The JVM shutdown hook of a global-like scope, replaced by a mockk double: when it is installed
 * and removed, and what the hook's Runnable does when the JVM would call it.
 */
class ExitHookSeamTest : FunSpec({
  lateinit var hook: ExitHook
  val onExit = slot<Runnable>()

  beforeTest {
    onExit.clear()
    hook = mockk(relaxed = true)
    every { hook.install(capture(onExit)) } returns Unit
    every { hook.isStuckInExit(any()) } returns false
  }

  test("installs the hook on the first registration, not at creation, and only once") {
    val scope = ExitScope("test", hook)
    verify(exactly = 0) { hook.install(any()) }
    scope.register {}
    scope.register {}
    scope.push("named") {}
    verify(exactly = 1) { hook.install(any()) }
  }

  test("removes the hook when the scope is closed early, and never installs it again") {
    val scope = ExitScope("test", hook)
    scope.register {}
    scope.close()
    verify(exactly = 1) { hook.uninstall() }
    scope.register {} // runs at once
    verify(exactly = 1) { hook.install(any()) }
  }

  test("runs handlers newest first on a worker thread and reports failures instead of throwing") {
    val scope = ExitScope("test", hook)
    val recorder = Recorder()
    scope.setListener(recorder)
    val threads = Collections.synchronizedList(mutableListOf<String>())
    scope.push("oldest") { threads += Thread.currentThread().name }
    scope.push("failing") { throw IllegalStateException("boom") }
    scope.push("newest") { threads += Thread.currentThread().name }

    onExit.captured.run()

    recorder.events shouldContainExactly
      listOf(
        "started test 3",
        "start newest",
        "finish newest",
        "start failing",
        "fail failing boom",
        "start oldest",
        "finish oldest",
        "summary 2 1 0 0",
      )
    threads.forEach { it shouldStartWith "exitscope-worker-" }
    scope.isClosed shouldBe true
  }

  test("times out a handler at its own timeout, and skips what the deadline leaves no time for") {
    val scope = ExitScope("test", hook)
    val recorder = Recorder()
    scope.setListener(recorder)
    scope.setDeadline(Duration.ofMillis(800))
    scope.push("never runs") {}
    scope.push("hangs", Duration.ofSeconds(60)) { Thread.sleep(60_000) }
    scope.push("slow", Duration.ofMillis(200)) { Thread.sleep(60_000) }

    onExit.captured.run()

    recorder.events shouldContainExactly
      listOf(
        "started test 3",
        "start slow",
        "timeout slow",
        "start hangs",
        "timeout hangs",
        "skipped [never runs]",
        "summary 0 0 2 1",
      )
  }

  test("reports to a System.Logger through the adapter: failures as errors, skipped handlers as a warning") {
    val scope = ExitScope("test", hook)
    val logger = mockk<System.Logger>(relaxed = true)
    scope.setListener(ExitListener.systemLogger(logger))
    // A mock's first call costs mockk more than a listener's share of time on a loaded machine:
    // made here, it is not the listener's. The deadline leaves the listener its share.
    logger.log(System.Logger.Level.DEBUG, "warm-up")
    scope.setDeadline(Duration.ofSeconds(1))
    scope.push("never runs") {}
    scope.push("hangs") { Thread.sleep(60_000) }
    scope.push("failing") { throw IllegalStateException("boom") }

    onExit.captured.run()

    verifyOrder {
      logger.log(System.Logger.Level.ERROR, "Exception ignored in exit handler failing", any<IllegalStateException>())
      logger.log(System.Logger.Level.ERROR, "Exit handler hangs timed out", any<Throwable>())
      logger.log(System.Logger.Level.WARNING, "Exit deadline of test reached; 1 exit handler(s) did not run: never runs")
    }
  }

  test("names a failing handler registered with arguments by them, guarding their toString") {
    val scope = ExitScope("test", hook)
    val recorder = Recorder()
    scope.setListener(recorder)
    scope.register(ExitHandler1<Any> { throw IllegalStateException("bad argument") }, Unprintable())
    scope.register(ExitHandler1<String> { throw IllegalStateException("gone") }, "/tmp/x")

    onExit.captured.run()

    val failures = recorder.events.filter { it.startsWith("fail ") }
    failures[0] shouldEndWith "(/tmp/x) gone"
    failures[1] shouldContain "(dev.exitscope.Unprintable@"
    failures[1] shouldEndWith ") bad argument"
  }

  test("gives a handler that is stuck in System.exit up and runs the next") {
    val scope = ExitScope("test", hook)
    val recorder = Recorder()
    scope.setListener(recorder)
    every { hook.isStuckInExit(any()) } answers { firstArg<Array<StackTraceElement>>().any { it.methodName == "fakeExit" } }
    scope.push("older") {}
    scope.push("exits") { fakeExit() }

    onExit.captured.run()

    recorder.events.filterNot { it.startsWith("start") } shouldContainExactly
      listOf("exit exits", "finish older", "summary 1 1 0 0")
    verify(atLeast = 1) { hook.isStuckInExit(any()) }
  }
})

/** An argument whose toString fails as a half-initialised object's may. */
private class Unprintable {
  override fun toString(): String = throw ExceptionInInitializerError("not printable")
}

/** Blocks as a thread calling System.exit during the exit does: forever. */
private fun fakeExit() {
  while (true) {
    try {
      Thread.sleep(Long.MAX_VALUE)
    } catch (ignored: InterruptedException) {
    }
  }
}
