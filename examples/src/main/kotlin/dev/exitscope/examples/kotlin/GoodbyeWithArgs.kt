// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope

fun goodbye(name: String, adjective: String) = println("Goodbye $name, it was $adjective to meet you.")

/** The CPython docs' arguments; Kotlin's named arguments read as Python's keyword ones. */
fun main() {
  val global = ExitScope.global()
  global.register(::goodbye, "Donny", "nice")
  // or:
  global.register { goodbye(adjective = "nice", name = "Donny") }
}
