// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.cancelAndJoinAtExit
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import java.io.File

/**
 * The monitor as coroutines: a collector in Dispatchers.Default, cancelled at exit, whose `finally`
 * writes the report. `SuspendMonitorKt [intervalMillis]`.
 */
fun main(args: Array<String>) {
  val interval = args.firstOrNull()?.toLong() ?: 1000
  val app = CoroutineScope(Dispatchers.Default)
  val collector =
    app.launch {
      val reportData = mutableListOf<String>()
      try {
        while (true) {
          val entry = "Data at ${System.currentTimeMillis() / 1000.0}"
          reportData += entry
          println(entry)
          delay(interval)
        }
      } finally {
        withContext(NonCancellable + Dispatchers.IO) {
          File("final_report.txt").writeText(reportData.joinToString("") { "$it\n" })
          println("Final report written.")
        }
      }
    }
  ExitScope.global().cancelAndJoinAtExit(app)
  runBlocking { collector.join() }
}
