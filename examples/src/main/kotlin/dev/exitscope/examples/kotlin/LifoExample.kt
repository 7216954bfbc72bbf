// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.AtExit

val first = AtExit.register { println("First registered, runs last") }
val second = AtExit.register { println("Second registered, runs first") }

/** Real Python's lifo_example.py. */
fun main() {
  println("Program is running...")
}
