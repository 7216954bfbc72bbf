// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.coroutines.internal

import dev.exitscope.ExitHandler
import dev.exitscope.ExitHandler1
import dev.exitscope.ExitHandler2

/*
 * Blocking Kotlin functions as exit handlers. Each is equal to the function it runs, so that
 * unregister(::f) finds it whatever arguments it was registered with, and its hash is the
 * function's, so the core's index finds it in O(1).
 */

internal class FunctionHandler(
  private val function: () -> Any?,
) : ExitHandler {
  private val name = describe(function, "")

  override fun run() {
    function()
  }

  override fun equals(other: Any?): Boolean = other === this || other == function || (other is FunctionHandler && other.function == function)

  override fun hashCode(): Int = function.hashCode()

  override fun toString(): String = name
}

internal class FunctionHandler1<A>(
  private val function: (A) -> Any?,
) : ExitHandler1<A> {
  private val name = describe(function, "")

  override fun run(a: A) {
    function(a)
  }

  override fun equals(other: Any?): Boolean = other === this || other == function || (other is FunctionHandler1<*> && other.function == function)

  override fun hashCode(): Int = function.hashCode()

  override fun toString(): String = name
}

internal class FunctionHandler2<A, B>(
  private val function: (A, B) -> Any?,
) : ExitHandler2<A, B> {
  private val name = describe(function, "")

  override fun run(
    a: A,
    b: B,
  ) {
    function(a, b)
  }

  override fun equals(other: Any?): Boolean = other === this || other == function || (other is FunctionHandler2<*, *> && other.function == function)

  override fun hashCode(): Int = function.hashCode()

  override fun toString(): String = name
}
