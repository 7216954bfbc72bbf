// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package compat

import dev.exitscope.ExitScope
import dev.exitscope.ktor.GracefulShutdown
import dev.exitscope.ktor.startAtExit
import io.ktor.server.application.ApplicationStopped
import io.ktor.server.application.install
import io.ktor.server.cio.CIO
import io.ktor.server.engine.embeddedServer
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import kotlinx.coroutines.runBlocking
import java.net.Socket
import kotlin.system.exitProcess
import kotlin.time.Duration.Companion.milliseconds

/** GET [path] on 127.0.0.1:[port]: the status and the Connection header of the response. */
fun get(port: Int, path: String): String {
  Socket("127.0.0.1", port).use { s ->
    s.getOutputStream().write("GET $path HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".toByteArray())
    val lines = s.getInputStream().bufferedReader().lineSequence().takeWhile { it.isNotEmpty() }.toList()
    val connection = lines.firstOrNull { it.startsWith("Connection:", ignoreCase = true) }?.substringAfter(':')?.trim()
    return lines.first().split(' ')[1] + (connection?.let { ", Connection: $it" } ?: "")
  }
}

fun main() {
  ExitScope.global().register { println("pool closed") }
  val server =
    embeddedServer(CIO, host = "127.0.0.1", port = 0) {
      install(GracefulShutdown) { preWait = 200.milliseconds }
      monitor.subscribe(ApplicationStopped) { println("server stopped") }
      routing { get("/") { call.respondText("ok") } }
    }.startAtExit()
  val port = runBlocking { server.engine.resolvedConnectors().first().port }
  ExitScope.global().register {
    println("during the exit: /ready ${get(port, "/ready")}; / ${get(port, "/")}")
  }
  println("before the exit: /ready ${get(port, "/ready")}")
  exitProcess(0)
}
