// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import java.io.File
import java.nio.file.Paths
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/** The line a child prints, with `System.currentTimeMillis()`, right before it starts its exit. */
const val EXIT_START = "exit-start "

/** Prints the [EXIT_START] line; the time of the exit is measured from it. */
fun markExitStart() = println(EXIT_START + System.currentTimeMillis())

/**
 * What a child JVM left behind: its status, its stdout lines (less the [EXIT_START] line), its
 * stderr, and [exitTook], the time from the start of its exit (the [EXIT_START] line, or the
 * signal) to the end of the process.
 */
data class ExitResult(val status: Int, val lines: List<String>, val stderr: String, val exitTook: Duration) {
  override fun toString(): String = "status $status after an exit of $exitTook\nstdout:\n${lines.joinToString("\n")}\nstderr:\n$stderr"
}

/**
 * A child JVM for exits that must be bounded, unlike [ChildJvm]: the classpath may be chosen (one
 * logging framework per child), stderr may be left unread (a stuck log pipe), and the exit is timed
 * from the moment it starts, so that a JVM's start-up on a busy machine does not count against
 * the deadline.
 */
class BoundedChild(
  mainClass: String,
  args: List<String>,
  jvmArgs: List<String> = emptyList(),
  classpath: String = TestClasspath.plain,
  drainStderr: Boolean = true,
) {
  private val out = StringBuffer()
  private val err = StringBuffer()
  private val outLines = LinkedBlockingQueue<String>()

  @Volatile private var exitStart: Long = 0
  val process: Process
  private val readers = mutableListOf<Thread>()

  init {
    val java = Paths.get(System.getProperty("java.home"), "bin", "java").toString()
    val command =
      listOf("env", "--default-signal=HUP,INT,TERM", java, "-Xshare:auto") +
        jvmArgs + listOf("-cp", classpath, mainClass) + args
    process = ProcessBuilder(command).start()
    process.outputStream.close()
    readers += thread(isDaemon = true, name = "child-stdout") {
      process.inputStream.bufferedReader().forEachLine {
        if (it.startsWith(EXIT_START)) {
          exitStart = it.removePrefix(EXIT_START).toLong()
        } else {
          out.append(it).append('\n')
        }
        outLines.put(it)
      }
    }
    if (drainStderr) {
      readers += thread(isDaemon = true, name = "child-stderr") {
        process.errorStream.bufferedReader().forEachLine { err.append(it).append('\n') }
      }
    }
  }

  /** Waits until the child prints [line] on stdout. */
  fun awaitLine(line: String, timeout: Duration = 60.seconds) {
    awaitLine(timeout, "'$line'") { it == line }
  }

  /** Waits until the child prints a line matching [wanted] on stdout, and returns it. */
  fun awaitLine(timeout: Duration, what: String, wanted: (String) -> Boolean): String {
    val until = TimeSource.Monotonic.markNow() + timeout
    while (until.hasNotPassedNow()) {
      val next = outLines.poll(100, TimeUnit.MILLISECONDS)
      if (next != null && wanted(next)) return next
      check(next != null || process.isAlive) { "child exited before printing $what: stdout=$out stderr=$err" }
    }
    error("child did not print $what within $timeout: stdout=$out stderr=$err")
  }

  /** Sends a real signal, `kill -NAME pid`; the exit is timed from here. */
  fun signal(name: String) {
    exitStart = System.currentTimeMillis()
    val kill = ProcessBuilder("kill", "-$name", process.pid().toString()).inheritIO().start()
    check(kill.waitFor() == 0) { "kill -$name failed" }
  }

  /**
   * Waits for the child to end. A child still running after [bound] is killed and the test fails
   * with "still running": that is how a hung exit shows.
   */
  fun await(bound: Duration = 60.seconds): ExitResult {
    val ended = process.waitFor(bound.inWholeMilliseconds, TimeUnit.MILLISECONDS)
    val end = System.currentTimeMillis()
    if (!ended) {
      process.destroyForcibly()
      process.waitFor(10, TimeUnit.SECONDS)
      error("child still running after $bound, its exit hung: stdout=$out stderr=$err")
    }
    readers.forEach { it.join(10_000) }
    check(exitStart != 0L) { "child never started its exit: stdout=$out stderr=$err" }
    return ExitResult(process.exitValue(), out.lines().filter { it.isNotEmpty() }, err.toString(), (end - exitStart).milliseconds)
  }

  /** What is left in an undrained stderr pipe, read after the child ended. */
  fun remainingStderr(): String = process.errorStream.readBytes().toString(Charsets.UTF_8)

  companion object {
    /**
     * The test classpath less every jar of a logging framework, plus the jars of the one named;
     * less the Spring Boot stack ([TestClasspath]) unless [spring].
     */
    fun classpathWith(framework: String, spring: Boolean = false): String {
      val frameworks = Regex(".*/(log4j-[a-z0-9]+|logback-[a-z]+)-[0-9][^/]*\\.jar")
      val base = TestClasspath.entries(spring).filterNot { frameworks.matches(it) }
      val jars =
        System.getProperty("exitscope.test.$framework.classpath")?.split(',')?.filter { it.isNotBlank() }
          ?: error("run through Maven: -Dexitscope.test.$framework.classpath names $framework's jars")
      jars.forEach { check(File(it).isFile) { "no $framework jar at $it" } }
      return (base + jars).joinToString(File.pathSeparator)
    }
  }
}
