// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitScope
import org.apache.logging.log4j.LogManager
import org.apache.logging.log4j.core.LoggerContext

/**
 * `Log4jAtExit recipe|default`: logs from exit handlers into the file of `log4j2-at-exit.xml`.
 *
 * With `recipe` (and `-Dlog4j2.shutdownHookEnabled=false`), the guide's recipe: Log4j's shutdown is
 * the oldest exit handler, so it runs last. With `default`, Log4j's own shutdown hook stops it while
 * the handlers run. The oldest of the application's handlers waits (up to 1 s) for Log4j to stop
 * before it logs, so that the control without the recipe loses its record every time, not only when
 * the JDK happens to schedule Log4j's hook first.
 */
object Log4jAtExit {
  @JvmStatic
  fun main(args: Array<String>) {
    val scope = ExitScope.global()
    if (args[0] == "recipe") {
      scope.register { LogManager.shutdown() } // first: it runs last
    }
    val log = LogManager.getLogger("app")
    val context = LogManager.getContext(false) as LoggerContext
    log.info("started")
    scope.register {
      awaitStop(context::isStopped)
      log.info("last handler: still logging")
    }
    scope.register { log.info("newest handler") }
    markExitStart()
  }
}

/** Waits until [stopped] says the logging framework has stopped, for 1 s at most. */
internal fun awaitStop(stopped: () -> Boolean) {
  val until = System.nanoTime() + 1_000_000_000
  while (!stopped() && System.nanoTime() - until < 0) {
    Thread.sleep(10)
  }
}
