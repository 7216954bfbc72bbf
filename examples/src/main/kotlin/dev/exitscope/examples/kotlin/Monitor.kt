package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope
import java.io.File
import java.util.Collections

private val reportData = Collections.synchronizedList(mutableListOf<String>())

private fun collectData() {
  val entry = "Data at ${System.currentTimeMillis() / 1000.0}"
  reportData += entry
  println(entry)
}

private fun finalReport() {
  File("final_report.txt").writeText(synchronized(reportData) { reportData.joinToString("") { "$it\n" } })
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
