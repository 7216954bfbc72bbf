// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.coroutines.SuspendAppScope
import dev.exitscope.coroutines.suspendApp
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.launch
import kotlin.concurrent.thread

/**
 * `suspendApp` programs whose block or a child fails, for where and when the failure is reported:
 * `SuspendAppReportMain <scenario> [default-handler]`. The block's handler writes [HANDLER_LINE] to
 * stderr, as the report does, so that one stream shows which came first. The optional second
 * argument sets a default uncaught exception handler that reports, throws, hangs or exits.
 */
object SuspendAppReportMain {
  @JvmStatic
  fun main(args: Array<String>) {
    val scenario = args[0]
    when (args.getOrNull(1)) {
      null -> {}

      "reports" -> Thread.setDefaultUncaughtExceptionHandler { t, e -> System.err.println("default handler: ${e.message} in ${t.name}") }

      "throws" -> Thread.setDefaultUncaughtExceptionHandler { _, _ -> throw IllegalStateException("the default handler failed") }

      "hangs" -> Thread.setDefaultUncaughtExceptionHandler { _, _ -> sleepForever() }

      "exits" -> Thread.setDefaultUncaughtExceptionHandler { _, e ->
        System.err.println("default handler: ${e.message}, exiting with 2")
        System.exit(2)
      }

      else -> error("unknown default handler ${args[1]}")
    }
    suspendApp {
      atExit.register { System.err.println(HANDLER_LINE) }
      when (scenario) {
        // The block fails by itself; the exit is timed from here.
        "fails" -> {
          markExitStart()
          throw failure()
        }

        "stack-overflow" -> {
          markExitStart()
          recurse(0)
        }

        // A child's finally fails while the exit unwinds the block.
        "child-finally-throws" -> {
          childFailingInFinally()
          println("ready")
          awaitCancellation()
        }

        // A failure caused by the exit's cancellation is a failure all the same.
        "finally-wraps-the-cancellation" -> {
          try {
            println("ready")
            awaitCancellation()
          } catch (e: CancellationException) {
            throw IllegalStateException("cleanup failed", e)
          }
        }

        "exit-from-another-thread" -> {
          childFailingInFinally()
          markExitStart()
          thread { System.exit(3) }
          awaitCancellation()
        }

        "exit-status" -> {
          childFailingInFinally()
          markExitStart()
          launch { exit(6) }
          awaitCancellation()
        }

        else -> error("unknown scenario $scenario")
      }
    }
  }

  private fun SuspendAppScope.childFailingInFinally() {
    launch(Dispatchers.Default) {
      try {
        awaitCancellation()
      } finally {
        throw failure()
      }
    }
  }

  private fun recurse(depth: Int): Int = recurse(depth + 1) + 1
}

/** What the block's handler writes to stderr. */
const val HANDLER_LINE = "the handler ran"

/** The last line of the failure's report: the only frame of its cause. */
const val LAST_REPORT_LINE = "\tat the.End.ofTheReport(End.kt:1)"

/** How the report of [failure] begins when the JVM prints it. */
const val REPORT_HEAD = "Exception in thread \"main\" java.lang.IllegalStateException: the block failed"

/** A failure whose report ends with [LAST_REPORT_LINE], so that a report cut short shows. */
fun failure(): IllegalStateException {
  val cause = RuntimeException("the cause")
  cause.stackTrace = arrayOf(StackTraceElement("the.End", "ofTheReport", "End.kt", 1))
  return IllegalStateException("the block failed", cause)
}
