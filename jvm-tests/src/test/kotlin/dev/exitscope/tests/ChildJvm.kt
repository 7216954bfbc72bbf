// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import java.io.File
import java.nio.file.Paths
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/** What a child JVM left behind. */
data class ChildResult(val exitCode: Int, val stdout: String, val stderr: String, val took: Duration) {
  val lines: List<String> get() = stdout.lines().filter { it.isNotEmpty() }
}

/**
 * A real JVM running [mainClass] with the test classpath ([TestClasspath.plain]), for exits that cannot be tested in
 * process. Started through `env --default-signal` so that a SIGINT or SIGHUP ignored by whatever
 * started the build (a CI shell) is handled again, as in a terminal.
 */
class ChildJvm(
  vararg args: String,
  jvmArgs: List<String> = emptyList(),
  mainClass: String = ChildMain::class.java.name,
  dir: File? = null,
) {
  private val started = TimeSource.Monotonic.markNow()
  private val out = StringBuffer()
  private val err = StringBuffer()
  private val outLines = LinkedBlockingQueue<String>()
  val process: Process

  private val readers: List<Thread>

  init {
    val java = Paths.get(System.getProperty("java.home"), "bin", "java").toString()
    val command =
      listOf("env", "--default-signal=HUP,INT,TERM", java, "-Xshare:auto") +
        jvmArgs + listOf("-cp", TestClasspath.plain, mainClass) + args
    process = ProcessBuilder(command).directory(dir).start()
    process.outputStream.close()
    readers =
      listOf(
        thread(isDaemon = true) {
          process.inputStream.bufferedReader().forEachLine {
            out.append(it).append('\n')
            outLines.put(it)
          }
        },
        thread(isDaemon = true) {
          process.errorStream.bufferedReader().forEachLine { err.append(it).append('\n') }
        },
      )
  }

  /** Waits until the child prints [line] on stdout. */
  fun awaitLine(line: String, timeout: Duration = 60.seconds) = awaitLine(timeout, "'$line'") { it == line }

  /** Waits until the child prints a line matching [wanted] on stdout. */
  fun awaitLine(timeout: Duration = 60.seconds, what: String = "the line", wanted: (String) -> Boolean) {
    val until = TimeSource.Monotonic.markNow() + timeout
    while (until.hasNotPassedNow()) {
      val next = outLines.poll(100, TimeUnit.MILLISECONDS)
      if (next != null && wanted(next)) return
      check(next != null || process.isAlive) { "child exited before printing $what: stdout=$out stderr=$err" }
    }
    error("child did not print $what within $timeout: stdout=$out stderr=$err")
  }

  /** Sends a real signal, `kill -NAME pid`. */
  fun signal(name: String) {
    val kill = ProcessBuilder("kill", "-$name", process.pid().toString()).inheritIO().start()
    check(kill.waitFor() == 0) { "kill -$name failed" }
  }

  /** Waits for the child to end; kills it and fails if it takes longer than [timeout]. */
  fun await(timeout: Duration = 60.seconds): ChildResult {
    if (!process.waitFor(timeout.inWholeMilliseconds, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly()
      error("child still running after $timeout: stdout=$out stderr=$err")
    }
    val took = started.elapsedNow()
    readers.forEach { it.join(10_000) }
    return ChildResult(process.exitValue(), out.toString(), err.toString(), took)
  }

  companion object {
    /** Runs [args] in a child JVM to its end. */
    fun run(
      vararg args: String,
      jvmArgs: List<String> = emptyList(),
      mainClass: String = ChildMain::class.java.name,
      dir: File? = null,
    ): ChildResult = ChildJvm(*args, jvmArgs = jvmArgs, mainClass = mainClass, dir = dir).await()
  }
}

/**
 * Sleeps forever and ignores interrupts, as a thread blocked on a monitor or in I/O does: only being
 * abandoned ends its hold on the exit.
 */
fun sleepForever(): Nothing {
  while (true) {
    try {
      Thread.sleep(Long.MAX_VALUE)
    } catch (ignored: InterruptedException) {
      // interrupts change nothing
    }
  }
}
