// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.ktor

import io.ktor.utils.io.KtorDsl
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * The settings of [GracefulShutdown]: `install(GracefulShutdown) { preWait = 5.seconds }`.
 *
 * At exit the server reports not-ready and keeps serving for [preWait], then stops with
 * [gracePeriod] and [timeout], as `EmbeddedServer.stop(gracePeriod, timeout)`; all of it within
 * what is left of exitscope's deadline. A setter given a bad value throws
 * [IllegalArgumentException] naming the setting, and the setting keeps its value.
 */
@KtorDsl
public class GracefulShutdownConfig {
  /**
   * How long the server keeps serving, answering 503 on [readinessPath], once the exit has begun:
   * the time load balancers take to stop routing to it (Kubernetes removes a terminating pod
   * from its Service's endpoints within seconds, while SIGTERM is already there). 5 seconds by
   * default; zero skips it. Not waited in Ktor's development mode (`ktor.development=true`), as
   * no load balancer is there to wait for.
   */
  public var preWait: Duration = 5.seconds
    set(value) {
      require(!value.isNegative() && value.isFinite()) { "preWait must be zero or positive and finite, was $value" }
      field = value
    }

  /**
   * How long requests in flight may go on once the server stops accepting connections; `null`
   * (the default) takes the engine's `shutdownGracePeriod` (1 second unless configured). The
   * server stops as soon as none is in flight: idle kept-alive connections are then closed.
   */
  public var gracePeriod: Duration? = null
    set(value) {
      require(value == null || (!value.isNegative() && value.isFinite())) {
        "gracePeriod must be zero or positive and finite, was $value"
      }
      field = value
    }

  /**
   * The most the stop may take, [gracePeriod] included, before whatever still runs is cancelled;
   * `null` (the default) takes the engine's `shutdownTimeout` (5 seconds unless configured). The
   * whole ordered stop is abandoned, as a hung exit handler is, `preWait + timeout + 1 s` after
   * it began.
   */
  public var timeout: Duration? = null
    set(value) {
      require(value == null || (value.isPositive() && value.isFinite())) { "timeout must be positive and finite, was $value" }
      field = value
    }

  /**
   * The readiness route, for a Kubernetes `readinessProbe`: `GET` answers 200 `ready` until the
   * exit begins, then 503 `exiting`. `"/ready"` by default; `null` adds no route (use
   * [shuttingDown] in a health check of your own).
   */
  public var readinessPath: String? = "/ready"
    set(value) {
      require(value == null || value.startsWith("/")) { "readinessPath must start with /, was $value" }
      field = value
    }
}
