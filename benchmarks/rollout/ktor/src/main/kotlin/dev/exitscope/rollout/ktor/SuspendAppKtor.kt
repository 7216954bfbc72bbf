// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout.ktor

import arrow.continuations.SuspendApp
import arrow.continuations.ktor.server
import arrow.fx.coroutines.resourceScope
import io.ktor.server.cio.CIO
import kotlinx.coroutines.awaitCancellation
import kotlin.time.Duration.Companion.milliseconds

/**
 * `suspendapp-ktor`: Arrow's suspendapp-ktor 0.5.0 as its docs show, with the harness's pre-wait
 * and the library's grace and timeout; Ktor's own hook left at its default. The resource is an
 * Arrow resource installed before the server, so released after it.
 */
object SuspendAppKtor {
  @JvmStatic
  fun main(args: Array<String>) = SuspendApp {
    resourceScope {
      val resource = install({ Resource() }) { r, _ -> r.close() }
      val server = server(CIO, port = port, host = "127.0.0.1", preWait = preWaitMs.milliseconds) { replica(resource) }
      ready(server)
      awaitCancellation()
    }
  }
}
