// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

@file:JvmName("GracefulShutdownPlugin")

package dev.exitscope.ktor

import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationPlugin
import io.ktor.server.application.ApplicationStarted
import io.ktor.server.application.createApplicationPlugin
import io.ktor.server.application.hooks.MonitoringEvent
import io.ktor.server.application.hooks.ResponseSent
import io.ktor.server.application.log
import io.ktor.server.response.header
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import io.ktor.util.AttributeKey

/**
 * A Ktor server's stop as one ordered, bounded step of exitscope's exit, seen from the inside:
 * readiness, pre-wait, drain. Install it, then start the server with [startAtExit] (or [serve] in
 * a `suspendApp`), which keeps Ktor's own JVM shutdown hook off and registers the stop:
 *
 * ```
 * embeddedServer(CIO, port = 8080) {
 *   install(GracefulShutdown) { preWait = 5.seconds }
 *   routing { get("/") { call.respondText("hello") } }
 * }.startAtExit(wait = true)
 * ```
 *
 * From the moment the exit begins (SIGTERM, `System.exit`, the end of `main`), before any handler
 * runs:
 * - [GracefulShutdownConfig.readinessPath] answers 503;
 * - every HTTP/1.x response carries `Connection: close`, so that clients holding kept-alive
 *   connections (also those a load balancer no longer routes through) open new ones elsewhere.
 *
 * Then, at the server's turn in the exit's LIFO order, its stop keeps serving for
 * [GracefulShutdownConfig.preWait], stops accepting connections, lets the calls in flight end
 * within the grace period, closes the connections left idle, and stops the application
 * (`ApplicationStopping`, `ApplicationStopped`).
 *
 * Started with plain `start()`, a server with this plugin is stopped by Ktor's own hook at the
 * start of the exit, unordered: the plugin logs a warning then.
 */
public val GracefulShutdown: ApplicationPlugin<GracefulShutdownConfig> =
  createApplicationPlugin("GracefulShutdown", ::GracefulShutdownConfig) {
    val readiness = Readiness(pluginConfig.preWait, pluginConfig.gracePeriod, pluginConfig.timeout)
    application.attributes.put(Readiness.KEY, readiness)
    onCall { readiness.callStarted() }
    on(ResponseSent) { readiness.callEnded() }
    onCallRespond { call ->
      if (readiness.exiting() && call.request.local.version.startsWith("HTTP/1")) {
        call.response.header(HttpHeaders.Connection, "close")
      }
    }
    pluginConfig.readinessPath?.let { path ->
      application.routing {
        get(path) {
          if (readiness.exiting()) {
            call.respondText("exiting\n", status = HttpStatusCode.ServiceUnavailable)
          } else {
            call.respondText("ready\n")
          }
        }
      }
    }
    on(MonitoringEvent(ApplicationStarted)) { app ->
      if (!app.attributes.contains(STARTED_AT_EXIT)) {
        app.log.warn(
          "GracefulShutdown is installed but the server was started without startAtExit() or serve(): " +
            "Ktor's own shutdown hook will stop it at the start of the exit, out of order and without a pre-wait",
        )
      }
    }
  }

/**
 * Whether this application's server is going away: true from the moment the exit begins, with
 * [GracefulShutdown] installed; for a health check of one's own. False without the plugin.
 */
public val Application.shuttingDown: Boolean
  get() = attributes.getOrNull(Readiness.KEY)?.exiting() ?: false

/** Marks an application whose server [startAtExit] or [serve] starts. */
internal val STARTED_AT_EXIT: AttributeKey<Unit> = AttributeKey("exitscope.ktor.startedAtExit")
