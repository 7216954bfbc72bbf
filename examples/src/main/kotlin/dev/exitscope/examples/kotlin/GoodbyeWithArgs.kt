// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.registerFunction

fun goodbye(name: String, adjective: String) = println("Goodbye $name, it was $adjective to meet you.")

/**
 * The CPython docs' arguments; Kotlin's named arguments read as Python's keyword ones.
 * `registerFunction` keys the registration by `::goodbye`, so `unregister(::goodbye)` would remove
 * it, whatever its arguments, as Python's `atexit.unregister(goodbye)` does.
 */
fun main() {
  val global = ExitScope.global()
  global.registerFunction(::goodbye, "Donny", "nice")
  // or:
  global.register { goodbye(adjective = "nice", name = "Donny") }
}
