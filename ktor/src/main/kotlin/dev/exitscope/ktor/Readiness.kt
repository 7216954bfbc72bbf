// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.ktor

import dev.exitscope.ExitScope
import io.ktor.util.AttributeKey
import kotlinx.coroutines.delay
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/**
 * The readiness switch of one application, and its calls in flight. Not ready from the moment the
 * exit begins: the run of [ExitScope.global] (or of the scope the server's stop is registered in)
 * has started, or the ordered stop itself has. A read of two volatile fields per call, no hook and
 * no thread of its own.
 */
internal class Readiness(
  val preWait: Duration,
  val gracePeriod: Duration?,
  val timeout: Duration?,
) {
  @Volatile var stopping = false

  /** The scope the ordered stop is registered in, once it is. */
  @Volatile var scope: ExitScope? = null

  private val inFlight = AtomicInteger()

  @Volatile private var lastEnded = 0L

  /** Whether the exit has begun: readiness answers 503 and responses ask clients to close. */
  fun exiting(): Boolean = stopping || began(ExitScope.global()) || began(scope)

  fun callStarted() {
    inFlight.incrementAndGet()
  }

  fun callEnded() {
    lastEnded = System.nanoTime()
    inFlight.decrementAndGet()
  }

  /**
   * Returns once no call is in flight and none ended within [settle]: the responses written,
   * whatever connections remain are idle. Polls; the caller bounds the wait.
   */
  suspend fun awaitQuiet(settle: Duration = SETTLE) {
    while (inFlight.get() > 0 || System.nanoTime() - lastEnded < settle.inWholeNanoseconds) {
      delay(POLL)
    }
  }

  companion object {
    val KEY: AttributeKey<Readiness> = AttributeKey("exitscope.ktor.Readiness")

    /** Time for the engine to write out the last response after its call ended. */
    val SETTLE: Duration = 50.milliseconds

    private val POLL: Duration = 5.milliseconds

    private fun began(scope: ExitScope?): Boolean = scope != null && (scope.isRunning || scope.isClosed)
  }
}
