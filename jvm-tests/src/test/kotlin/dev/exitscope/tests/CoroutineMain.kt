// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitListener
import dev.exitscope.ExitScope
import dev.exitscope.ExitSummary
import dev.exitscope.coroutines.cancelAndJoinAtExit
import dev.exitscope.coroutines.exitTimeLeft
import dev.exitscope.coroutines.registerSuspend
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import java.io.File
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Coroutine programs for the child-JVM tests: `CoroutineMain <scenario>`. */
object CoroutineMain {
  class Database {
    suspend fun close() {
      delay(1)
      error("close failed")
    }
  }

  @JvmStatic
  fun main(args: Array<String>) {
    val global = ExitScope.global()
    when (args[0]) {
      "records" -> {
        // An app writing records in Dispatchers.Default until SIGTERM cancels it.
        val out = File(args[1]).bufferedWriter()
        val app = CoroutineScope(Dispatchers.Default)
        val job =
          app.launch {
            var n = 0
            try {
              while (true) {
                out.write("record ${++n}\n") // buffered: only the finally block flushes
                println("record $n")
                if (n == 5) println("ready")
                delay(10)
              }
            } finally {
              withContext(NonCancellable) {
                delay(50) // suspends although cancelled
                out.write("final record\n")
                out.close()
                println("finally done")
              }
            }
          }
        global.register { println("older handler runs after the job is joined") }
        global.cancelAndJoinAtExit(app)
        runBlocking { job.join() }
      }

      "suspend-timeouts" -> {
        global.register { println("older handler still runs") }
        global.registerSuspend(timeout = 300.milliseconds, name = "stuck in blocking code") {
          while (true) {
            try {
              Thread.sleep(Long.MAX_VALUE)
            } catch (ignored: InterruptedException) {
            }
          }
        }
        global.registerSuspend(timeout = 300.milliseconds) {
          try {
            awaitCancellation()
          } finally {
            println("cancelled at its timeout, finally ran")
          }
        }
      }

      "suspend-names" -> {
        global.registerSuspend(block = Database()::close)
        global.registerSuspend { error("lambda failed") }
      }

      "suspend-time-left" -> {
        global.registerSuspend(timeout = 1.seconds) {
          println("time left within the timeout: ${exitTimeLeft() <= 1.seconds}")
          delay(exitTimeLeft() - 100.milliseconds) // no TimeoutCancellationException
          println("waited the time left")
        }
      }

      "suspend-timeout-reported" -> {
        global.setListener(
          object : ExitListener {
            override fun handlerFailed(handler: String, failure: Throwable) {
              println("failed $handler")
            }

            override fun handlerTimedOut(handler: String, after: Duration, stack: Array<StackTraceElement>) {
              println("timed out $handler after its timeout: ${after.toMillis() in 300..999}")
              stack.take(2).forEach { println("  at ${it.className}.${it.methodName}(${it.fileName})") }
            }

            override fun runFinished(scope: String, summary: ExitSummary) {
              println("succeeded ${summary.succeeded}, failed ${summary.failed}, timed out ${summary.timedOut}")
            }
          },
        )
        global.registerSuspend("metrics", 300.milliseconds) { awaitCancellation() }
      }

      "cancel-run-blocking" -> {
        // cancelAndJoinAtExit(this) in runBlocking: main ends with the exit's cancellation, quietly.
        runBlocking {
          global.cancelAndJoinAtExit(this, name = "main")
          println("ready")
          awaitCancellation()
        }
      }

      "one-suspend" -> global.registerSuspend { delay(1) }

      "one-blocking" -> global.register { Thread.sleep(1) }
    }
  }
}
