// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope
import java.io.File

/** Real Python's log_handler.py. */
fun main() {
  val logFile = File("app.log").bufferedWriter()
  ExitScope.global().register {
    logFile.write("Application is closing.\n")
    logFile.close()
    println("Log file closed.")
  }
  logFile.write("Application has started.\n")
  println("Program is running...")
}
