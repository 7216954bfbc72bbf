// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import org.jetbrains.kotlin.cli.common.ExitCode
import org.jetbrains.kotlin.cli.jvm.K2JVMCompiler
import java.io.ByteArrayOutputStream
import java.io.File
import java.io.PrintStream
import java.nio.file.Files

private val classpath =
  System.getProperty("java.class.path").split(File.pathSeparator).filter { File(it).exists() }.joinToString(File.pathSeparator)

/** Compiles [code] against the test classpath; the compiler's exit code and messages. */
private fun compile(code: String): Pair<ExitCode, String> {
  val dir = Files.createTempDirectory("exitscope-nullness").toFile()
  try {
    val source = File(dir, "Snippet.kt").apply { writeText(code) }
    val messages = ByteArrayOutputStream()
    val exit =
      K2JVMCompiler().exec(
        PrintStream(messages, true),
        "-classpath",
        System.getProperty("java.class.path"),
        "-d",
        File(dir, "out").path,
        "-no-stdlib",
        "-no-reflect",
        source.path,
      )
    return exit to messages.toString()
  } finally {
    dir.deleteRecursively()
  }
}

/**
 * The core's JSpecify annotations reach Kotlin as real types, not platform types: code that passes
 * null where the core says non-null does not compile, and code within the contract does.
 */
class NullnessVisibleToKotlinTest : FunSpec({
  test("Kotlin code within the nullness contract compiles, nullable arguments included") {
    val (exit, messages) =
      compile(
        """
        import dev.exitscope.ExitScope
        fun f(scope: ExitScope) {
          val name: String = scope.name
          scope.register({ a: String?, b: Int? -> println("${'$'}a ${'$'}b") }, null, null)
        }
        """.trimIndent(),
      )
    exit shouldBe ExitCode.OK
    messages shouldNotContain "Snippet.kt"
  }

  test("passing null as a handler is a compile error in Kotlin, not a runtime NullPointerException") {
    val (exit, messages) = compile("fun f() { dev.exitscope.ExitScope.global().register(null) }")
    exit shouldBe ExitCode.COMPILATION_ERROR
    messages shouldContain "error: null cannot be a value of a non-null type 'ExitHandler'"
  }

  test("the name of a scope is a non-null String, so a null check on it is flagged as useless") {
    val (exit, messages) = compile("fun f() = dev.exitscope.ExitScope.global().name ?: \"none\"")
    exit shouldBe ExitCode.OK
    messages shouldContain "warning: elvis operator (?:) always returns the left operand of non-nullable type 'String'"
  }
})
