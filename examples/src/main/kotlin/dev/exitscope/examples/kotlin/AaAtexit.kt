// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope

fun aaAtexit() = println("atexit of this aa called")

/** Python Circle's first example. */
fun main() {
  ExitScope.global().register(::aaAtexit)
}
