// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.io.File
import java.nio.file.Files

private const val JAVA = "dev.exitscope.examples."
private const val KOTLIN = "dev.exitscope.examples.kotlin."

/** An example program and what the seed shows it printing and writing. */
private data class Example(
  val program: String,
  val stdout: List<String>,
  val files: Map<String, String> = emptyMap(),
  val kotlinOnly: Boolean = false,
)

/** log_handler.py: the same output and log file, whether the handler blocks or suspends. */
private fun logHandler(program: String, kotlinOnly: Boolean = false) = Example(
  program,
  listOf("Program is running...", "Log file closed."),
  mapOf("app.log" to "Application has started.\nApplication is closing.\n"),
  kotlinOnly,
)

private val examples =
  listOf(
    Example("AaAtexit", listOf("atexit of this aa called")),
    Example("Classes", listOf("bb called", "atexit of cc called", "atexit of bb called", "atexit of this aa called")),
    Example("Goodbye", listOf("Program is running...", "Goodbye, world!")),
    Example("DecoratorExample", listOf("Program is running...", "Goodbye, world!")),
    Example("LifoExample", listOf("Program is running...", "Second registered, runs first", "First registered, runs last")),
    logHandler("LogHandler"),
    logHandler("SuspendLogHandler", kotlinOnly = true),
    Example("GoodbyeWithArgs", List(2) { "Goodbye Donny, it was nice to meet you." }),
    Example("LeavingSector", listOf("You are now leaving the Python sector.")),
    Example("Cleanup", listOf("Main program is running...", "Cleaning up resources...")),
    Example("Tasks", listOf("Working...", "Task 2: Writing log summary", "Task 1: Closing database connection")),
    Example(
      "SaveData",
      listOf("Processing data...", "Data saved to output.txt"),
      mapOf("output.txt" to "Important results here!"),
    ),
    Example("Unregister", listOf("No cleanup this time!")),
    Example("ResourceManager", listOf("Using resource...", "Resource closed.")),
    Example("MainOnly", listOf("Script running.", "Cleanup done.")),
    Example("UsesMainOnly", listOf("Cleanup done.")),
  )

private fun mainClass(language: String, program: String) = if (language == "Java") JAVA + program else "$KOTLIN${program}Kt"

private fun <T> inTempDir(block: (File) -> T): T {
  val dir = Files.createTempDirectory("exitscope-example").toFile()
  try {
    return block(dir)
  } finally {
    dir.deleteRecursively()
  }
}

/** Every example of the seeds, in Java and in Kotlin, run as a real program in its own directory. */
class ExamplesTest : FunSpec({
  for (language in listOf("Java", "Kotlin")) {
    context(language) {
      for (example in examples.filter { language == "Kotlin" || !it.kotlinOnly }) {
        test("${example.program} prints and writes what the seed shows") {
          inTempDir { dir ->
            val r = ChildJvm.run(mainClass = mainClass(language, example.program), dir = dir)
            r.exitCode shouldBe 0
            r.stderr shouldBe ""
            r.lines shouldContainExactly example.stdout
            for ((name, content) in example.files) File(dir, name).readText() shouldBe content
          }
        }
      }

      test("Counter keeps its count in counterfile across runs") {
        inTempDir { dir ->
          val counter = mainClass(language, "Counter")
          ChildJvm.run(mainClass = counter, dir = dir).lines shouldContainExactly listOf("count is now 1")
          ChildJvm.run("5", mainClass = counter, dir = dir).lines shouldContainExactly listOf("count is now 6")
          File(dir, "counterfile").readText() shouldBe "6"
        }
      }

      val monitors = if (language == "Java") listOf("Monitor") else listOf("Monitor", "SuspendMonitor")
      for (monitor in monitors) {
        for ((signal, status) in listOf("INT" to 130, "TERM" to 143)) {
          test("$monitor writes every entry collected to final_report.txt on SIG$signal") {
            inTempDir { dir ->
              val child = ChildJvm("50", mainClass = mainClass(language, monitor), dir = dir)
              repeat(3) { child.awaitLine { it.startsWith("Data at ") } }
              child.signal(signal)
              val r = child.await()
              r.exitCode shouldBe status
              r.lines.last() shouldBe "Final report written."
              val collected = r.lines.filter { it.startsWith("Data at ") }
              collected.size shouldBeGreaterThanOrEqual 3
              File(dir, "final_report.txt").readLines() shouldContainAll collected
            }
          }
        }
      }
    }
  }

  test("the README's demo tour runs Java and Kotlin handlers newest first, reports the failure, skips the unregistered") {
    val r = ChildJvm.run(mainClass = JAVA + "Tour")
    r.exitCode shouldBe 0
    r.lines.filter { it.startsWith("  ") }.map { it.trim().substringBefore('.') } shouldContainExactly
      listOf("5", "4", "2", "1")
    r.stdout.contains("never printed") shouldBe false
    r.stderr shouldContain "Exception ignored in exit handler lambda in dev.exitscope.examples.Tour"
    r.stderr shouldContain "3. a failing handler"
  }
})
