// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout.ktor

import dev.exitscope.ExitScope
import io.ktor.server.cio.CIO
import io.ktor.server.engine.embeddedServer

/**
 * `ktor-default`: Ktor's defaults, `embeddedServer(CIO)` started as its docs show, its own JVM
 * shutdown hook stopping it; the resource is closed at exit by exitscope (registered before the
 * server starts), with no bridge between the two.
 */
object KtorDefault {
  @JvmStatic
  fun main(args: Array<String>) {
    val resource = Resource()
    ExitScope.global().register(resource::close)
    val server = embeddedServer(CIO, host = "127.0.0.1", port = port) { replica(resource) }
    server.start(wait = false)
    ready(server)
    Thread.currentThread().join() // until SIGTERM: Ktor's hook and exitscope's run at once
  }
}
