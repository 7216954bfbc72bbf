// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.shouldBe
import java.io.File
import java.nio.file.Files
import kotlin.time.Duration.Companion.seconds

/** The records that reach the log file when [main] runs `main variant` in a child JVM with only [framework]'s jars. */
private fun logOf(main: Class<*>, framework: String, variant: String, jvmArgs: List<String>): List<String> {
  val log = Files.createTempFile("exitscope-$framework", ".log").toFile()
  try {
    val child =
      BoundedChild(
        main.name,
        listOf(variant),
        jvmArgs + "-Dexitscope.test.log=${log.path}",
        classpath = BoundedChild.classpathWith(framework),
      )
    val r = child.await(60.seconds)
    io.kotest.assertions.withClue({ r.toString() }) { r.status shouldBe 0 }
    return log.readLines()
  } finally {
    log.delete()
  }
}

private fun resource(name: String): String = File(LoggingAtExitTest::class.java.getResource("/$name")!!.toURI()).path

/**
 * The guide's "Keeping logging alive to the last handler", with the real frameworks: each recipe
 * keeps a record logged by the last of the application's exit handlers, which waits for the
 * framework to stop first; without the recipe the framework's own shutdown hook stops it and that
 * record is lost. (java.util.logging: [BoundedExitTest].)
 */
class LoggingAtExitTest : FunSpec({
  context("Log4j2") {
    val config = "-Dlog4j2.configurationFile=${resource("log4j2-at-exit.xml")}"

    test("stays alive to the last exit handler with the guide's recipe: its hook off, its shutdown registered first") {
      logOf(Log4jAtExit::class.java, "log4j", "recipe", listOf(config, "-Dlog4j2.shutdownHookEnabled=false")) shouldContainExactly
        listOf("started", "newest handler", "last handler: still logging")
    }

    test("loses the last handler's record without the recipe: its own shutdown hook stops it first") {
      val records = logOf(Log4jAtExit::class.java, "log4j", "default", listOf(config))
      records shouldContain "started"
      records shouldNotContain "last handler: still logging"
    }
  }

  context("Logback") {
    test("stays alive to the last exit handler with the guide's recipe: no <shutdownHook/>, the context's stop registered first") {
      logOf(LogbackAtExit::class.java, "logback", "recipe", listOf("-Dlogback.configurationFile=${resource("logback-at-exit.xml")}")) shouldContainExactly
        listOf("started", "newest handler", "last handler: still logging")
    }

    test("loses the last handler's record with <shutdownHook/>, as asynchronous appenders configure it") {
      val records = logOf(LogbackAtExit::class.java, "logback", "default", listOf("-Dlogback.configurationFile=${resource("logback-at-exit-with-hook.xml")}"))
      records shouldContain "started"
      records shouldNotContain "last handler: still logging"
    }
  }
})
