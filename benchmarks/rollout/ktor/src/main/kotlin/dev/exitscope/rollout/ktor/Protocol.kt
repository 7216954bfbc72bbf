// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout.ktor

import io.ktor.server.application.Application
import io.ktor.server.application.createApplicationPlugin
import io.ktor.server.application.hooks.ResponseSent
import io.ktor.server.application.install
import io.ktor.server.engine.EmbeddedServer
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import java.util.concurrent.atomic.AtomicInteger

/** The port to bind (`-Drollout.port`, 0 for any free one) and the pre-wait the harness asks for. */
internal val port: Int get() = System.getProperty("rollout.port", "0").toInt()

internal val preWaitMs: Long get() = System.getProperty("rollout.preWaitMs", "1500").toLong()

/**
 * The resource a replica registers before its server starts, as a connection pool would be: it
 * counts the requests in flight, and says when it is closed with how many were, and when a request
 * ends after it was closed (BENCHMARKS.md, "The replica protocol").
 */
internal class Resource {
  private val inFlight = AtomicInteger()

  @Volatile private var closed = false

  fun begin() {
    inFlight.incrementAndGet()
  }

  fun end() {
    inFlight.decrementAndGet()
    if (closed) println("ROLLOUT LATE")
  }

  fun close() {
    closed = true
    println("ROLLOUT RESOURCE inflight=${inFlight.get()}")
  }
}

/** The replica's routes: `/` answers at once, `/slow?ms=N` after N ms; both `ok` and the port. */
internal fun Application.replica(resource: Resource) {
  install(
    createApplicationPlugin("RolloutResource") {
      onCall { resource.begin() }
      on(ResponseSent) { resource.end() }
    },
  )
  routing {
    get("/") { call.respondText("ok\n") }
    get("/slow") {
      delay(call.request.queryParameters["ms"]?.toLong() ?: 300)
      call.respondText("ok slow\n")
    }
  }
}

/** Prints `ROLLOUT READY <port>` once [server] listens. */
internal fun ready(server: EmbeddedServer<*, *>) {
  val bound = runBlocking { server.engine.resolvedConnectors().first().port }
  println("ROLLOUT READY $bound")
}
