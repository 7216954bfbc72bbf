// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope

import dev.exitscope.coroutines.exitTimeLeft
import dev.exitscope.coroutines.registerSuspend
import dev.exitscope.internal.ExitHook
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.mockk.every
import io.mockk.mockk
import io.mockk.slot
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import java.time.Duration
import java.util.Collections
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** What a run at exit tells its listener about timeouts, with where each handler was. */
private class TimeoutRecorder : ExitListener {
  val events: MutableList<String> = Collections.synchronizedList(mutableListOf())
  val where: MutableList<List<String>> = Collections.synchronizedList(mutableListOf())
  val after: MutableList<Duration> = Collections.synchronizedList(mutableListOf())

  override fun handlerFailed(handler: String, failure: Throwable) {
    events += "fail $handler ${failure.javaClass.simpleName}"
  }

  override fun handlerTimedOut(handler: String, after: Duration, stack: Array<StackTraceElement>) {
    events += "timeout $handler"
    this.after += after
    where += stack.map { "${it.className.substringAfterLast('.')}.${it.methodName}:${it.lineNumber}" }
  }

  override fun runFinished(scope: String, summary: ExitSummary) {
    events += "summary ${summary.succeeded} ${summary.failed} ${summary.timedOut} ${summary.skipped}"
  }
}

/** Whether a suspend function is one of this file's: its frames name this file's classes. */
private fun List<String>.inThisFile() = any { it.startsWith("SuspendTimeoutsAtExitTest") }

/**
 * Suspend handlers with their own timeout in a run at exit, driven in process through the hook
 * seam: a timeout is a timeout (not a failure), shows where the coroutine was suspended, and
 * `exitTimeLeft()` never exceeds it.
 */
class SuspendTimeoutsAtExitTest : FunSpec({
  lateinit var scope: ExitScope
  lateinit var recorder: TimeoutRecorder
  val onExit = slot<Runnable>()

  beforeTest {
    onExit.clear()
    val hook = mockk<ExitHook>(relaxed = true)
    every { hook.install(capture(onExit)) } returns Unit
    every { hook.isStuckInExit(any()) } returns false
    scope = ExitScope("test", hook)
    recorder = TimeoutRecorder()
    scope.setListener(recorder)
  }

  test("a suspend handler past its own timeout is reported as timed out, counted in timedOut, with where it was suspended") {
    scope.registerSuspend("metrics", 300.milliseconds) { awaitCancellation() }

    onExit.captured.run()

    recorder.events shouldContainExactly listOf("timeout metrics", "summary 0 0 1 0")
    recorder.where.single().inThisFile() shouldBe true
    recorder.where.single().first() shouldBe "DelayKt.awaitCancellation:${recorder.where.single().first().substringAfter(':')}"
    recorder.after.single() shouldBeLessThan Duration.ofMillis(1_000)
  }

  test("a timeout inside the block that the block does not catch is its failure, not the handler's timeout") {
    scope.registerSuspend("inner", 5.seconds) { withTimeout(10.milliseconds) { awaitCancellation() } }

    onExit.captured.run()

    recorder.events shouldContainExactly listOf("fail inner TimeoutCancellationException", "summary 0 1 0 0")
  }

  test("within a timeout of 1 s at exit, exitTimeLeft reads at most 1 s (not the grace after it), so waiting that long succeeds") {
    val read = Collections.synchronizedList(mutableListOf<Boolean>())
    scope.registerSuspend(timeout = 1.seconds) {
      read += exitTimeLeft() <= 1.seconds
      delay(exitTimeLeft() - 100.milliseconds)
    }

    onExit.captured.run()

    read shouldContainExactly listOf(true)
    recorder.events shouldContainExactly listOf("summary 1 0 0 0")
  }

  test("a suspend handler cut short by the deadline alone is reported as timed out too") {
    scope.setDeadline(Duration.ofMillis(400))
    scope.registerSuspend("short on time", 60.seconds) { awaitCancellation() }

    onExit.captured.run()

    recorder.events.first() shouldBe "timeout short on time"
  }
})
