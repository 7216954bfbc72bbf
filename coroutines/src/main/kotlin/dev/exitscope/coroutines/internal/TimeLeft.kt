// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.coroutines.internal

import dev.exitscope.ExitScope
import kotlin.time.Duration

/**
 * The deadline ([System.nanoTime]) of the suspend handler running on this thread, when it has its
 * own timeout: carried to every thread its coroutine runs on by a context element.
 */
internal val OWN_DEADLINE: ThreadLocal<Long> = ThreadLocal()

/**
 * A bound at least this long is no bound: about 73 years in nanoseconds, far below the overflow of
 * `System.nanoTime() + bound`, far above any real timeout.
 */
internal const val UNBOUNDED_NANOS: Long = Long.MAX_VALUE / 4

/**
 * How long the calling code has before it is timed out, in nanoseconds: the nearest of the core's
 * time left at exit ([ExitScope.timeLeft]), the own deadline of the suspend handler running it,
 * and the main coroutine's bound at exit; [Long.MAX_VALUE] when nothing bounds it.
 */
internal fun nanosLeft(): Long {
  // Outside a run at exit the core answers Duration.ofNanos(Long.MAX_VALUE): toNanos() is safe.
  var left = ExitScope.timeLeft().toNanos()
  val own = OWN_DEADLINE.get()
  if (own != null) left = minOf(left, maxOf(0L, own - System.nanoTime()))
  val app = MainCoroutine.current
  if (app != null) left = minOf(left, app.nanosLeftOnThisThread())
  return left
}

/** [d] in nanoseconds, [Long.MAX_VALUE] for an infinite or practically infinite duration. */
internal fun nanosOf(d: Duration): Long {
  val nanos = d.inWholeNanoseconds
  return if (d.isInfinite() || nanos >= UNBOUNDED_NANOS) Long.MAX_VALUE else nanos
}

internal fun requirePositive(
  d: Duration,
  parameter: String,
): Duration {
  require(d.isPositive()) { "$parameter must be positive, was $d" }
  return d
}
