// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

/** Uses MainOnly.kt's function as a library: nothing is registered. */
fun main() {
  mainOnlyCleanup()
}
