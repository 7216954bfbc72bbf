// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.coroutines.suspendApp
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import java.io.File

/**
 * The monitor as a coroutine `main`: `suspendApp` runs the collector as the main coroutine; a
 * SIGINT or SIGTERM cancels it, its `finally` writes the report, and the status stays 130 or 143.
 * `SuspendMonitorKt [intervalMillis]`.
 */
fun main(args: Array<String>) = suspendApp {
  val interval = args.firstOrNull()?.toLong() ?: 1000
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
