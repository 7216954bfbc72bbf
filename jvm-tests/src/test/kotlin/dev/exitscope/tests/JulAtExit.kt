// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitScope
import java.util.logging.FileHandler
import java.util.logging.LogManager
import java.util.logging.Logger
import java.util.logging.SimpleFormatter

/** `jul <file>`: logs from exit handlers, one of them late, into a FileHandler on `<file>`. */
object JulAtExit {
  fun main(args: List<String>) {
    val log = Logger.getLogger("app")
    val file = FileHandler(args[0]).apply { formatter = SimpleFormatter() }
    Logger.getLogger("").addHandler(file)
    log.info("started with ${LogManager.getLogManager().javaClass.simpleName}")
    val scope = ExitScope.global()
    scope.register { log.info("oldest handler: still logging") }
    scope.register {
      Thread.sleep(500) // JUL's own hook has long run by now
      log.info("slow handler: still logging")
    }
    scope.register { log.info("newest handler") }
  }
}
