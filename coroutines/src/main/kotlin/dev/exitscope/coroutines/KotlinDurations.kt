// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

@file:JvmName("KotlinDurations")

package dev.exitscope.coroutines

import dev.exitscope.ExitHandler
import dev.exitscope.ExitScope
import dev.exitscope.Registration
import dev.exitscope.coroutines.internal.nanosLeft
import dev.exitscope.coroutines.internal.requirePositive
import kotlin.time.Duration
import kotlin.time.Duration.Companion.nanoseconds
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration

/** Sets the deadline of this scope's run at exit; [ExitScope.setDeadline] for `kotlin.time`. */
public fun ExitScope.setDeadline(deadline: Duration) {
  setDeadline(requirePositive(deadline, "deadline").toJavaDuration())
}

/**
 * This scope's deadline at exit, as a `kotlin.time` [Duration]: `global().exitDeadline = 5.seconds`.
 * (`deadline`, the Java property, takes a `java.time.Duration`.)
 *
 * @throws IllegalArgumentException when set to zero or a negative duration; the deadline is unchanged then
 */
public var ExitScope.exitDeadline: Duration
  get() = deadline.toKotlinDuration()
  set(value) = setDeadline(value)

/**
 * Registers [handler] under [name] with its own [timeout], as [ExitScope.push] does with a
 * `java.time.Duration`.
 *
 * @throws IllegalArgumentException if [timeout] is zero or negative; nothing is registered then
 */
public fun ExitScope.push(
  name: String,
  timeout: Duration,
  handler: ExitHandler,
): Registration = push(name, requirePositive(timeout, "timeout").toJavaDuration(), handler)

/**
 * How long the calling code has before it is timed out; [Duration.INFINITE] when nothing bounds
 * it. Within a handler running at exit, what [ExitScope.timeLeft] says; within a suspend handler
 * with its own timeout, never more than what is left of that timeout (at exit or in an explicit
 * run, on whatever thread its coroutine runs); within [suspendApp]'s main coroutine once the exit
 * has cancelled it, the time before the exit stops waiting for it. Code may pass it to a bounded
 * wait.
 */
public fun exitTimeLeft(): Duration {
  val left = nanosLeft()
  return if (left == Long.MAX_VALUE) Duration.INFINITE else left.nanoseconds
}
