// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope

fun task1() = println("Task 1: Closing database connection")

fun task2() = println("Task 2: Writing log summary")

fun main() {
  ExitScope.global().register(::task1)
  ExitScope.global().register(::task2)
  println("Working...")
}
