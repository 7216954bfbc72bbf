// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope
import java.io.File

private val reportData = mutableListOf<String>()
private var reported = false // guarded by reportData

/** Under the report's lock: main goes on running during the exit, and a later entry would be lost. */
private fun collectData() = synchronized(reportData) {
  if (!reported) {
    val entry = "Data at ${System.currentTimeMillis() / 1000.0}"
    reportData += entry
    println(entry)
  }
}

private fun finalReport() {
  synchronized(reportData) {
    reported = true
    File("final_report.txt").writeText(reportData.joinToString("") { "$it\n" })
  }
  println("Final report written.")
}

/** The monitor, until Ctrl+C or SIGTERM. `MonitorKt [intervalMillis]`. */
fun main(args: Array<String>) {
  val interval = args.firstOrNull()?.toLong() ?: 1000
  ExitScope.global().register(::finalReport)
  while (true) {
    collectData()
    Thread.sleep(interval)
  }
}
