// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.AtExit

/**
 * Real Python's decorator_example.py: a top-level property registers when its file class
 * initialises, which `main` in the same file does. A property in a file whose other members
 * nothing uses never initialises, so never registers: Kotlin has no module import that runs it.
 */
val goodbye = AtExit.register { println("Goodbye, world!") }

fun main() {
  println("Program is running...")
}
