// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope

/** A library function; registered only by this file's main, Python's `if __name__ == "__main__"`. */
fun mainOnlyCleanup() = println("Cleanup done.")

fun main() {
  ExitScope.global().register(::mainOnlyCleanup)
  println("Script running.")
}
