// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

@file:JvmName("FunctionHandlers")

package dev.exitscope.coroutines

import dev.exitscope.ExitHandler
import dev.exitscope.ExitScope
import dev.exitscope.coroutines.internal.FunctionHandler

/**
 * Registers a plain (blocking) Kotlin function so that it can be unregistered by an equal one:
 * `registerFunction(obj::close)` then `unregister(obj::close)`, as Python's `register(obj.close)`
 * then `unregister(obj.close)`. (`register(obj::close)` converts the reference to an [ExitHandler],
 * a new object without Kotlin's equality, so only the returned handler removes it.)
 *
 * @return [function] itself
 */
public fun ExitScope.registerFunction(function: () -> Unit): () -> Unit {
  register(FunctionHandler(function))
  return function
}
