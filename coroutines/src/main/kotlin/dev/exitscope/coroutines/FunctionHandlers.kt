// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

@file:JvmName("FunctionHandlers")

package dev.exitscope.coroutines

import dev.exitscope.ExitHandler
import dev.exitscope.ExitScope
import dev.exitscope.coroutines.internal.FunctionHandler
import dev.exitscope.coroutines.internal.FunctionHandler1
import dev.exitscope.coroutines.internal.FunctionHandler2

/**
 * Registers a plain (blocking) Kotlin function, keyed by the function itself, so that an equal
 * one unregisters it: `registerFunction(file::delete)` then `unregister(file::delete)`, as
 * Python's `register(f.close)` then `unregister(f.close)`. Kotlin callable references compare
 * equal (same function, equal bound receiver); lambdas do not, so keep the returned value for a
 * lambda. A function with a result is fine (`File::delete` returns a `Boolean`): the result is
 * ignored and the reference kept as given.
 *
 * Why not `register(file::delete)`? [ExitScope.register] takes an [ExitHandler], and Kotlin's
 * conversion of a reference to a Java interface makes a new object without Kotlin's equality: only
 * the returned handler removes it.
 *
 * @return [function] itself
 */
public fun <R> ExitScope.registerFunction(function: () -> R): () -> R {
  register(FunctionHandler(function))
  return function
}

/**
 * Registers [function] to run with [a] at exit, keyed by the function: Python's
 * `atexit.register(f, a)`. `unregister(::f)` removes every registration of `::f`, whatever its
 * argument, as Python's `unregister(f)` does.
 *
 * @return [function] itself
 */
public fun <A, R> ExitScope.registerFunction(
  function: (A) -> R,
  a: A,
): (A) -> R {
  register(FunctionHandler1(function), a)
  return function
}

/**
 * Registers [function] to run with [a] and [b] at exit, keyed by the function: Python's
 * `atexit.register(goodbye, "Donny", "nice")`, undone by `unregister(::goodbye)`. For Python's
 * keyword arguments, register a lambda with Kotlin's named arguments instead (and keep it).
 *
 * @return [function] itself
 */
public fun <A, B, R> ExitScope.registerFunction(
  function: (A, B) -> R,
  a: A,
  b: B,
): (A, B) -> R {
  register(FunctionHandler2(function), a, b)
  return function
}
