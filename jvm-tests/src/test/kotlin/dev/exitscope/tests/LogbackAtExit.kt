// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import ch.qos.logback.classic.LoggerContext
import dev.exitscope.ExitScope
import org.slf4j.Logger
import org.slf4j.LoggerFactory

/**
 * `LogbackAtExit recipe|default`: logs through SLF4J from exit handlers into the file of the
 * configuration `-Dlogback.configurationFile` names.
 *
 * With `recipe` (and `logback-at-exit.xml`, which has no `<shutdownHook/>`), the guide's recipe:
 * the LoggerContext's stop is the oldest exit handler, so it runs last. With `default` (and
 * `logback-at-exit-with-hook.xml`), Logback's own shutdown hook stops it while the handlers run. The
 * oldest of the application's handlers waits (up to 1 s) for the file appender to be stopped before
 * it logs, so that the control loses its record every time.
 */
object LogbackAtExit {
  @JvmStatic
  fun main(args: Array<String>) {
    val scope = ExitScope.global()
    val context = LoggerFactory.getILoggerFactory() as LoggerContext
    if (args[0] == "recipe") {
      scope.register(context::stop) // first: it runs last
    }
    val log = LoggerFactory.getLogger("app")
    log.info("started")
    val root = context.getLogger(Logger.ROOT_LOGGER_NAME)
    scope.register {
      awaitStop { root.getAppender("FILE")?.isStarted != true }
      log.info("last handler: still logging")
    }
    scope.register { log.info("newest handler") }
    markExitStart()
  }
}
