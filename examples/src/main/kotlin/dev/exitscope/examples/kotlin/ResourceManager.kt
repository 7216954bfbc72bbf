// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope

class ResourceManager {
  var resource = "open"
    private set

  init {
    ExitScope.global().register(::cleanup)
  }

  private fun cleanup() {
    resource = "closed"
    println("Resource closed.")
  }
}

fun main() {
  ResourceManager()
  println("Using resource...")
}
