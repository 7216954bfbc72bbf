// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.ktor

import dev.exitscope.ExitScope
import dev.exitscope.ktor.GracefulShutdown
import dev.exitscope.ktor.startAtExit
import io.ktor.server.application.ServerReady
import io.ktor.server.application.install
import io.ktor.server.cio.CIO
import io.ktor.server.engine.embeddedServer
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import kotlinx.coroutines.runBlocking
import kotlin.time.Duration.Companion.seconds

/** A connection pool, as a service has one: it must close after the last request that uses it. */
class Pool : AutoCloseable {
  @Volatile private var open = true

  fun query(): String = if (open) "hello from the pool\n" else error("the pool is closed")

  override fun close() {
    open = false
    println("pool closed")
  }
}

/**
 * A Ktor service inside exitscope's ordered exit: `KtorService [port]` (8080 by default; 0 for
 * any free one). On SIGTERM, `GET /ready` answers 503 at once while `/` still answers for the
 * pre-wait (2 s here), then the server drains and stops, and only then is the pool closed: it was
 * registered before the server started, so, newest first, it closes after it.
 */
fun main(args: Array<String>) {
  val pool = ExitScope.global().closing(Pool())
  val server =
    embeddedServer(CIO, host = "127.0.0.1", port = args.firstOrNull()?.toInt() ?: 8080) {
      install(GracefulShutdown) { preWait = 2.seconds }
      routing { get("/") { call.respondText(pool.query()) } }
    }
  server.monitor.subscribe(ServerReady) {
    val port = runBlocking { server.engine.resolvedConnectors().first().port }
    println("listening on http://127.0.0.1:$port/")
  }
  server.startAtExit(wait = true)
}
