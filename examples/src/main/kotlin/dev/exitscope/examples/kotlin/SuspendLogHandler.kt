// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.registerSuspend
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.io.File
import kotlin.time.Duration.Companion.seconds

/** log_handler.py with a suspending close, bounded by its own timeout. */
fun main() {
  val logFile = File("app.log").bufferedWriter()
  ExitScope.global().registerSuspend(timeout = 5.seconds) {
    withContext(Dispatchers.IO) {
      logFile.write("Application is closing.\n")
      logFile.close()
    }
    println("Log file closed.")
  }
  logFile.write("Application has started.\n")
  println("Program is running...")
}
