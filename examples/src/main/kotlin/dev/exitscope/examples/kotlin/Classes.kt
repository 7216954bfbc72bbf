// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope

private class CC {
  init {
    ExitScope.global().register(::gg)
  }

  fun gg() = println("atexit of cc called")
}

private class BB {
  init {
    ExitScope.global().register(::hh)
  }

  fun hh() = println("atexit of bb called")

  fun bb() {
    println("bb called")
    CC()
  }
}

/** Python Circle's classes registering their own handlers: they run CC, BB, aa. */
fun main() {
  ExitScope.global().register(::aaAtexit)
  BB().bb()
}
