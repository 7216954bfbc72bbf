// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.ints.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files
import kotlin.time.Duration.Companion.seconds

/** Coroutine code at real JVM exits. */
class CoroutineExitTest : FunSpec({
  test("SIGTERM cancels the app's job, its finally writes the last records, and every record written before is kept") {
    val file = Files.createTempFile("exitscope-records", ".txt").toFile()
    try {
      val child = ChildJvm("records", file.path, mainClass = CoroutineMain::class.java.name)
      child.awaitLine("ready")
      child.signal("TERM")
      val r = child.await()
      r.exitCode shouldBe 143
      val printed = r.lines.filter { it.startsWith("record ") }
      printed.size shouldBeGreaterThanOrEqual 5
      val written = file.readLines()
      written.last() shouldBe "final record"
      written shouldContainAll printed
      r.lines.takeLast(2) shouldContainExactly listOf("finally done", "older handler runs after the job is joined")
    } finally {
      file.delete()
    }
  }

  test("a suspend handler past its timeout is cancelled, one stuck in blocking code abandoned, and the older still runs") {
    val r = ChildJvm.run("suspend-timeouts", mainClass = CoroutineMain::class.java.name)
    r.exitCode shouldBe 0
    r.lines shouldContainExactly listOf("cancelled at its timeout, finally ran", "older handler still runs")
    r.stderr shouldContain "Exit handler suspend lambda in dev.exitscope.tests.CoroutineMain timed out after"
    r.stderr shouldContain "Exit handler stuck in blocking code timed out after 1"
    r.took shouldBeLessThan 10.seconds
  }

  test("a suspend handler's own timeout is reported as a timeout, counted in timedOut, with where it was suspended") {
    val r = ChildJvm.run("suspend-timeout-reported", mainClass = CoroutineMain::class.java.name)
    r.exitCode shouldBe 0
    r.lines.size shouldBe 4
    r.lines[0] shouldBe "timed out metrics after its timeout: true"
    r.lines[1] shouldBe "  at kotlinx.coroutines.DelayKt.awaitCancellation(Delay.kt)" // the suspension point
    r.lines[2] shouldStartWith "  at dev.exitscope.tests.CoroutineMain" // the handler's frame, without a debug agent
    r.lines[3] shouldBe "succeeded 0, failed 0, timed out 1"
  }

  test("within registerSuspend(timeout = 1.seconds) at exit, exitTimeLeft reads at most 1 s, so waiting that long succeeds") {
    val r = ChildJvm.run("suspend-time-left", mainClass = CoroutineMain::class.java.name)
    r.exitCode shouldBe 0
    r.lines shouldContainExactly listOf("time left within the timeout: true", "waited the time left")
    r.stderr shouldBe ""
  }

  test("cancelAndJoinAtExit on a runBlocking scope: a clean SIGTERM prints no trace of the exit's cancellation") {
    val child = ChildJvm("cancel-run-blocking", mainClass = CoroutineMain::class.java.name)
    child.awaitLine("ready")
    child.signal("TERM")
    val r = child.await()
    r.exitCode shouldBe 143
    r.stderr shouldBe ""
  }

  test("reports failing suspend handlers by the reference or lambda they were made from") {
    val r = ChildJvm.run("suspend-names", mainClass = CoroutineMain::class.java.name)
    r.exitCode shouldBe 0
    r.stderr shouldContain "Exception ignored in exit handler suspend lambda in dev.exitscope.tests.CoroutineMain\n"
    r.stderr shouldContain "Exception ignored in exit handler suspend dev.exitscope.tests.CoroutineMain\$Database::close\n"
  }
})
