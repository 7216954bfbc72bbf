// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

@file:JvmName("SuspendProgram")

package dev.exitscope.bench

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.registerSuspend
import kotlinx.coroutines.yield

/**
 * `SuspendProgram suspend|blocking <workMillis>`: one exit handler of each kind, then the program's
 * work (a sleep), for the exit-time comparison.
 */
fun main(args: Array<String>) {
  when (args[0]) {
    "suspend" -> ExitScope.global().registerSuspend { yield() }
    "blocking" -> ExitScope.global().register { Thread.yield() }
  }
  Thread.sleep(args[1].toLong())
  ExitProgram.stamp()
}
