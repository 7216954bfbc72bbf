// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope

fun main() {
  ExitScope.global().register { println("Cleaning up resources...") }
  println("Main program is running...")
}
