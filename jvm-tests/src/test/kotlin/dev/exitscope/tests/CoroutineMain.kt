// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.cancelAndJoinAtExit
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
import kotlin.time.Duration.Companion.milliseconds

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

      "one-suspend" -> global.registerSuspend { delay(1) }

      "one-blocking" -> global.register { Thread.sleep(1) }
    }
  }
}
