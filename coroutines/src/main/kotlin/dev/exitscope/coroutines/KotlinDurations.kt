// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

@file:JvmName("KotlinDurations")

package dev.exitscope.coroutines

import dev.exitscope.ExitHandler
import dev.exitscope.ExitScope
import dev.exitscope.Registration
import dev.exitscope.coroutines.internal.requirePositive
import kotlin.time.Duration
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration

/** Sets the deadline of this scope's run at exit; [ExitScope.setDeadline] for `kotlin.time`. */
public fun ExitScope.setDeadline(deadline: Duration) {
  setDeadline(requirePositive(deadline, "deadline").toJavaDuration())
}

/** This scope's deadline at exit, as a `kotlin.time` [Duration]. */
public val ExitScope.exitDeadline: Duration
  get() = deadline.toKotlinDuration()

/**
 * Registers [handler] under [name] with its own [timeout], as [ExitScope.push] does with a
 * `java.time.Duration`.
 *
 * @throws IllegalArgumentException if [timeout] is zero or negative; nothing is registered then
 */
public fun ExitScope.push(name: String, timeout: Duration, handler: ExitHandler): Registration = push(name, requirePositive(timeout, "timeout").toJavaDuration(), handler)

/**
 * Within a handler running at exit, how long it has left ([ExitScope.timeLeft]);
 * [Duration.INFINITE] elsewhere.
 */
public fun exitTimeLeft(): Duration {
  val left = ExitScope.timeLeft()
  return if (left.seconds >= Long.MAX_VALUE / 2) Duration.INFINITE else left.toKotlinDuration()
}
