// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.registerFunction

fun cleanup() = println("This won't run")

/** Unregister by an equal reference, as Python's `atexit.unregister(cleanup)`: use registerFunction. */
fun main() {
  ExitScope.global().registerFunction(::cleanup)
  ExitScope.global().unregister(::cleanup)
  println("No cleanup this time!")
}
