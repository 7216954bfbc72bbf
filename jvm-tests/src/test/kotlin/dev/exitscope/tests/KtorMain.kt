// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.suspendApp
import dev.exitscope.ktor.GracefulShutdown
import dev.exitscope.ktor.serve
import dev.exitscope.ktor.startAtExit
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationStopped
import io.ktor.server.application.install
import io.ktor.server.cio.CIO
import io.ktor.server.engine.EmbeddedServer
import io.ktor.server.engine.embeddedServer
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlin.time.Duration.Companion.milliseconds

/**
 * Ktor servers for KtorAtExitTest, in a child JVM: `KtorMain <how> [key=value...]`, `how` one of
 * `main` (`startAtExit()` from a plain `main`), `suspend-serve` (`serve()` as the main coroutine of
 * `suspendApp`), `suspend-atexit` (`startAtExit(scope = atExit)` in `suspendApp`). Keys: `preWait`,
 * `grace`, `timeout` (ms); `hang=true` makes an `ApplicationStopped` handler hang; `ktorFirst=true`
 * starts and stops a plain Ktor server first, so that Ktor's hook flag is already on.
 *
 * It registers `pool closed` before the server starts and `newer handler` after, prints
 * `port <n>` once it serves, `request <path> ended` when a request ends, and `server stopped`.
 */
object KtorMain {
  @JvmStatic
  fun main(args: Array<String>) {
    val opts = args.drop(1).associate { it.substringBefore('=') to it.substringAfter('=') }
    if (opts["ktorFirst"] == "true") {
      embeddedServer(CIO, host = "127.0.0.1", port = 0) {}.start(wait = false).stop(0, 0)
    }
    when (args[0]) {
      "main" -> {
        ExitScope.global().register { say("pool closed") }
        val server = server(opts).startAtExit()
        ExitScope.global().register { say("newer handler; ktor hook alive: ${ktorHookAlive()}") }
        ready(server)
        Thread.currentThread().join()
      }

      "suspend-serve" ->
        suspendApp {
          atExit.register { say("pool closed") }
          ExitScope.global().register { say("newer handler; ktor hook alive: ${ktorHookAlive()}") }
          val server = server(opts)
          server.monitor.subscribe(io.ktor.server.application.ApplicationStarted) { Thread { ready(server) }.start() }
          server.serve()
        }

      "suspend-atexit" ->
        suspendApp {
          atExit.register { say("pool closed") }
          val server = server(opts).startAtExit(scope = atExit)
          atExit.register { say("newer handler; ktor hook alive: ${ktorHookAlive()}") }
          ready(server)
          awaitCancellation()
        }
    }
  }

  private fun server(opts: Map<String, String>): EmbeddedServer<*, *> = embeddedServer(CIO, host = "127.0.0.1", port = 0) {
    install(GracefulShutdown) {
      opts["preWait"]?.let { preWait = it.toLong().milliseconds }
      opts["grace"]?.let { gracePeriod = it.toLong().milliseconds }
      opts["timeout"]?.let { timeout = it.toLong().milliseconds }
    }
    monitor.subscribe(ApplicationStopped) {
      say("server stopped")
      if (opts["hang"] == "true") sleepForever()
    }
    routes()
  }

  private fun Application.routes() {
    routing {
      get("/") { call.respondText("ok\n") }
      get("/slow") {
        delay(call.request.queryParameters["ms"]!!.toLong())
        call.respondText("ok slow\n")
        say("request /slow ended")
      }
    }
  }

  private fun ready(server: EmbeddedServer<*, *>) {
    val port = runBlocking { server.engine.resolvedConnectors().first().port }
    say("port $port")
  }

  private fun ktorHookAlive(): Boolean = Thread.getAllStackTraces().keys.any { it.name == "KtorShutdownHook" }

  private fun say(line: String) {
    synchronized(System.out) { println(line) }
  }
}
