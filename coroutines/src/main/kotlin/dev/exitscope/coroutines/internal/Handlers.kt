// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.coroutines.internal

import dev.exitscope.ExitHandler
import dev.exitscope.coroutines.exitTimeLeft
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** Runs a suspending block under a bounded [runBlocking]; equal to its block, so unregister finds it. */
internal class SuspendHandler(
  private val block: suspend () -> Unit,
  private val timeout: Duration,
  val name: String,
) : ExitHandler {
  override fun run() {
    if (timeout.isInfinite()) {
      // Bounded by the deadline alone: at exit the watchdog interrupts this thread at the
      // deadline, which cancels the coroutine; loading withTimeout's machinery is not needed.
      runBlocking { block() }
    } else {
      val bound = minOf(timeout, exitTimeLeft())
      runBlocking { withTimeout(bound) { block() } }
    }
  }

  override fun equals(other: Any?): Boolean = other === this || other == block || (other is SuspendHandler && other.block == block)

  override fun hashCode(): Int = block.hashCode()

  override fun toString(): String = name
}

/** A blocking Kotlin function, equal to the function, so unregister finds it. */
internal class FunctionHandler(private val function: () -> Unit) : ExitHandler {
  private val name = describe(function, "")

  override fun run() = function()

  override fun equals(other: Any?): Boolean = other === this || other == function || (other is FunctionHandler && other.function == function)

  override fun hashCode(): Int = function.hashCode()

  override fun toString(): String = name
}

/**
 * A readable name: `Owner::close` for a callable reference, `lambda in Outer` for a lambda, else
 * `toString()`.
 */
internal fun describe(function: Any, prefix: String): String {
  if (function is kotlin.jvm.internal.CallableReference) {
    val owner = function.boundReceiver.takeIf { it !== kotlin.jvm.internal.CallableReference.NO_RECEIVER }
    val type = owner?.javaClass?.name ?: (function.owner as? kotlin.jvm.internal.ClassBasedDeclarationContainer)?.jClass?.name
    return prefix + (type ?: "") + "::" + function.name
  }
  val type = function.javaClass.name
  val lambda = type.indexOf("$$" + "Lambda")
  val outer = if (lambda > 0) type.substring(0, lambda) else type.substringBefore('$', "")
  return if (outer.isNotEmpty() && outer != type) "${prefix}lambda in $outer" else prefix + function
}

/**
 * Loads the classes a suspend handler needs at exit on a daemon thread as soon as the first one is
 * registered, so that the exit does not pay for loading kotlinx.coroutines.
 */
internal object Preload {
  @Volatile private var started = false

  fun start() {
    if (started) return
    started = true
    Thread({ runBlocking { withTimeout(60.seconds) {} } }, "exitscope-preload").apply {
      isDaemon = true
      start()
    }
  }
}

internal fun requirePositive(d: Duration, parameter: String): Duration {
  require(d.isPositive()) { "$parameter must be positive, was $d" }
  return d
}
