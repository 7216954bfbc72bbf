// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout.ktor

import dev.exitscope.ExitScope
import dev.exitscope.ktor.GracefulShutdown
import dev.exitscope.ktor.startAtExit
import io.ktor.server.application.install
import io.ktor.server.cio.CIO
import io.ktor.server.engine.embeddedServer
import kotlin.time.Duration.Companion.milliseconds

/**
 * `exitscope-ktor`: the server started with `startAtExit()`, the harness's pre-wait, everything
 * else at exitscope-ktor's defaults (the engine's grace period and timeout; no system property).
 * The resource is registered in exitscope before the server starts, so closed after it drained.
 */
object ExitScopeKtor {
  @JvmStatic
  fun main(args: Array<String>) {
    val resource = Resource()
    ExitScope.global().register(resource::close)
    val server =
      embeddedServer(CIO, host = "127.0.0.1", port = port) {
        install(GracefulShutdown) { preWait = preWaitMs.milliseconds }
        replica(resource)
      }
    server.startAtExit()
    ready(server)
    Thread.currentThread().join() // until SIGTERM: the exit stops the server at its turn
  }
}
