// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitHandler
import dev.exitscope.ExitScope
import kotlin.random.Random

/**
 * Child program for [ExitStressTest]: four threads register, push and unregister handlers on the
 * global scope without pause while main calls System.exit. Each line says what returned:
 * `registered ID` after a register/push returned, `unregistered ID` after an unregister removed
 * it, `ran ID` from the handler itself.
 */
object ExitStress {
  fun main(args: List<String>) {
    val scope = ExitScope.global()
    val perThread = args.firstOrNull()?.toInt() ?: 20_000
    repeat(4) { t ->
      Thread {
        val random = Random(t)
        for (i in 0 until perThread) {
          val id = "$t-$i"
          val handler = ExitHandler { println("ran $id") }
          if (random.nextInt(4) == 0) {
            val registration = scope.push(handler)
            println("registered $id")
            if (random.nextBoolean() && registration.unregister()) println("unregistered $id")
          } else {
            scope.register(handler)
            println("registered $id")
            if (random.nextInt(3) == 0 && scope.unregister(handler) == 1) println("unregistered $id")
          }
        }
      }.apply {
        isDaemon = true
        start()
      }
    }
    Thread.sleep(200)
    System.exit(0)
  }
}
