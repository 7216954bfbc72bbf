// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope
import java.io.File

/** The CPython docs' counter, as a Kotlin object: loaded on first use, saved at exit. */
object Counter {
  private val file = File("counterfile")
  private var count = if (file.exists()) file.readText().trim().toInt() else 0

  init {
    ExitScope.global().register(::saveCounter)
  }

  @Synchronized
  fun incrCounter(n: Int): Int {
    count += n
    return count
  }

  @Synchronized
  private fun saveCounter() = file.writeText("$count")
}

fun main(args: Array<String>) {
  println("count is now ${Counter.incrCounter(args.firstOrNull()?.toInt() ?: 1)}")
}
