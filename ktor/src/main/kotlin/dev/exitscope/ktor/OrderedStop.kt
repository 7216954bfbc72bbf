// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.ktor

import dev.exitscope.ExitHandler
import dev.exitscope.coroutines.exitTimeLeft
import io.ktor.server.engine.EmbeddedServer
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/**
 * The ordered stop of one server: pre-wait, drain, stop. Run at the server's turn of the exit
 * ([startAtExit] registers it as an exit handler) or in the cancelled main coroutine ([serve]).
 *
 * Every wait is bounded by the budget it is given, what the caller has left ([budget]): when it
 * cannot hold the pre-wait and the stop's timeout, the pre-wait is shortened first, down to half
 * of it, so that the calls in flight keep at least the other half.
 */
internal class OrderedStop(
  private val server: EmbeddedServer<*, *>,
  val readiness: Readiness,
) {
  /** The pre-wait, grace period and timeout in force: the plugin's, else the engine's. */
  val preWait: Duration get() = if (server.application.developmentMode) Duration.ZERO else readiness.preWait
  val timeout: Duration get() = readiness.timeout ?: server.engineConfig.shutdownTimeout.milliseconds
  private val gracePeriod: Duration get() = minOf(readiness.gracePeriod ?: server.engineConfig.shutdownGracePeriod.milliseconds, timeout)

  /** The most the whole stop may take before the exit abandons it. */
  val bound: Duration get() = preWait + timeout + DISPOSE

  suspend fun run(budget: Duration) {
    val start = TimeSource.Monotonic.markNow()
    readiness.stopping = true
    val left = { budget - start.elapsedNow() }
    delay(minOf(preWait, maxOf(Duration.ZERO, budget - minOf(timeout, budget / 2))))
    val stopTimeout = minOf(timeout, left()).coerceAtLeast(Duration.ZERO)
    val grace = minOf(gracePeriod, stopTimeout)
    coroutineScope {
      // Stops accepting at once; waits for the calls in flight, at most the grace period.
      val stopping = launch(Dispatchers.IO) { server.stop(grace.inWholeMilliseconds, stopTimeout.inWholeMilliseconds) }
      // Once nothing is in flight, the connections left are idle: close them now, not at the end of the grace.
      val quiet = withTimeoutOrNull(grace) { readiness.awaitQuiet() }
      if (quiet != null && stopping.isActive) {
        launch(Dispatchers.IO) {
          try {
            server.engine.stop(0, maxOf(left(), 1.milliseconds).inWholeMilliseconds)
          } catch (e: Exception) {
            // the first stop goes on and ends them at the end of the grace period
          }
        }
      }
    }
  }

  /** The exit handler [startAtExit] registers: the stop, within what the exit has left. */
  fun handler(): ExitHandler = StopAtExit(this)

  companion object {
    /**
     * What the stop may use of what the caller has left: all of it but a tenth, at most 500 ms,
     * kept for the older handlers (the pool to close after the server).
     */
    fun budget(left: Duration = exitTimeLeft()): Duration = if (left.isInfinite()) left else left - minOf(left / 10, 500.milliseconds)

    /** Time for the application's own stop (`ApplicationStopping`, disposal) after the engine's. */
    val DISPOSE: Duration = 1.seconds
  }
}

/** A class, not a lambda: its name is what exit reports show. */
private class StopAtExit(
  private val stop: OrderedStop,
) : ExitHandler {
  override fun run() {
    runBlocking { stop.run(OrderedStop.budget()) }
  }

  override fun toString(): String = "ktor server"
}
