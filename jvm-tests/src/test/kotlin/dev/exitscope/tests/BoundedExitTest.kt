// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.io.File
import java.nio.file.Files
import kotlin.time.Duration.Companion.seconds

/** The run at exit always ends on time and says what went wrong: real JVMs, real exits. */
class BoundedExitTest : FunSpec({
  test("a handler hanging past the deadline is reported with its stack, the rest named, and the JVM exits on time") {
    val r = ChildJvm.run("hang", jvmArgs = listOf("-Dexitscope.deadline=PT2S"))
    r.exitCode shouldBe 0
    r.lines shouldContainExactly listOf("newest runs first")
    r.stderr shouldContain "Exit handler hanger timed out after"
    r.stderr shouldContain "java.lang.Thread.sleep("
    r.stderr shouldContain "dev.exitscope.tests.ChildMain.main"
    r.stderr shouldContain "1 exit handler(s) did not run: lambda in dev.exitscope.tests.ChildMain"
    r.took shouldBeLessThan 10.seconds
  }

  test("a handler past its own timeout is interrupted, abandoned even if it ignores interrupts, and the next runs") {
    val r = ChildJvm.run("handler-timeout")
    r.exitCode shouldBe 0
    r.lines shouldContainExactly listOf("registered", "older runs after the timeout")
    r.stderr shouldContain "Exit handler slow close timed out after"
    r.stderr shouldContain "sleepForever"
    r.took shouldBeLessThan 10.seconds
  }

  for (status in listOf(0, 3)) {
    test("System.exit inside a handler is reported, the older handlers run and the status stays $status") {
      val r = ChildJvm.run("exit-in-handler", "$status")
      r.exitCode shouldBe status
      r.lines shouldContainExactly listOf("calling System.exit(5) in a handler", "older still runs")
      r.stderr shouldContain "Exit handler calls exit called System.exit during the exit"
      r.stderr shouldContain "java.lang.System.exit("
      r.took shouldBeLessThan 10.seconds
    }
  }

  test("StackOverflowError, OutOfMemoryError and a handler's own Error are each reported and the next handler runs") {
    val r = ChildJvm.run("errors", jvmArgs = listOf("-Xmx256m", "-Xss512k"))
    r.exitCode shouldBe 0
    r.lines shouldContainExactly listOf("oldest still runs")
    r.stderr shouldContain "Exception ignored in exit handler own error\ndev.exitscope.tests.ChildMain\$MyError"
    r.stderr shouldContain "Exception ignored in exit handler recursion\njava.lang.StackOverflowError"
    r.stderr shouldContain "Exception ignored in exit handler oom\njava.lang.OutOfMemoryError"
  }

  test("SIGTERM while a handler is slow lets it finish, then runs the older ones, with status 143") {
    val child = ChildJvm("slow")
    child.awaitLine("ready")
    child.signal("TERM")
    val r = child.await()
    r.lines shouldContainExactly listOf("ready", "slow handler finished", "older runs after the slow one")
    r.exitCode shouldBe 143
  }

  test("handlers run on a named daemon worker, and neither it nor the hook thread holds a class loader") {
    ChildJvm.run("threads").lines shouldContainExactly
      listOf("handler on exitscope-worker-1, daemon=true, loader=null", "hook thread exitscope-hook, loader=null")
  }

  context("the exitscope.deadline property") {
    for ((text, expected) in listOf("PT2S" to "PT2S", "2s" to "PT2S", "500ms" to "PT0.5S", "1m30s" to "PT1M30S")) {
      test("accepts $text") {
        ChildJvm.run("deadline", jvmArgs = listOf("-Dexitscope.deadline=$text")).lines shouldContainExactly
          listOf("deadline $expected", "deadline $expected")
      }
    }

    for (bad in listOf("soon", "0s", "-PT1S", "PT0S", "12")) {
      test("reports '$bad' once on stderr and uses the default") {
        val r = ChildJvm.run("deadline", jvmArgs = listOf("-Dexitscope.deadline=$bad"))
        r.lines shouldContainExactly listOf("deadline PT30S", "deadline PT30S")
        r.stderr.split("ignoring -Dexitscope.deadline=$bad").size shouldBe 2
      }
    }
  }

  context("java.util.logging at exit") {
    fun runJul(vararg jvmArgs: String): List<String> {
      val log = Files.createTempFile("exitscope-jul", ".log").toFile()
      try {
        val r = ChildJvm.run("jul", log.path, jvmArgs = jvmArgs.toList())
        r.exitCode shouldBe 0
        return log.readLines().filter { it.startsWith("INFO: ") }.map { it.removePrefix("INFO: ") }
      } finally {
        log.delete()
        File(log.path + ".lck").delete()
      }
    }

    test("stays alive to the last handler with the shipped ExitScopeLogManager") {
      runJul("-Djava.util.logging.manager=dev.exitscope.ExitScopeLogManager") shouldContainExactly
        listOf(
          "started with ExitScopeLogManager",
          "newest handler",
          "slow handler: still logging",
          "oldest handler: still logging",
        )
    }

    test("loses the records of slow handlers without it, which is why the recipe exists") {
      runJul() shouldNotContain "slow handler: still logging"
    }
  }
})
