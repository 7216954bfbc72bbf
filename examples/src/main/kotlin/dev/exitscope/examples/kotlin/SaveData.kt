// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope
import java.io.File

fun saveData(filename: String, data: String) {
  File(filename).writeText(data)
  println("Data saved to $filename")
}

fun main() {
  val data = "Important results here!"
  ExitScope.global().register(::saveData, "output.txt", data)
  println("Processing data...")
}
