// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.AtExit

val leaving = AtExit.register { println("You are now leaving the Python sector.") }

/** The CPython docs' decorator usage. */
fun main() {
  leaving // the file's properties initialise with main anyway; named here for the reader
}
