// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope

/** Real Python's goodbye.py. */
fun main() {
  ExitScope.global().register { println("Goodbye, world!") }
  println("Program is running...")
}
