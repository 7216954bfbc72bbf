// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitHandler
import dev.exitscope.ExitScope
import java.util.concurrent.atomic.AtomicInteger
import kotlin.random.Random

/**
 * Child program for [ExitStressTest]: four threads register, push and unregister handlers on the
 * global scope without pause while main calls System.exit. Each line says what returned:
 * `registered ID` after a register/push returned, `unregistering ID` before an unregister, then
 * `unregistered ID` if it removed the registration or `kept ID` if not, `ran ID` from the handler
 * itself. An unregister the JVM's halt cut short says neither of the last two.
 */
object ExitStress {
  fun main(args: List<String>) {
    val scope = ExitScope.global()
    val perThread = args.firstOrNull()?.toInt() ?: 20_000
    val returned = AtomicInteger()
    repeat(4) { t ->
      Thread {
        val random = Random(t)
        for (i in 0 until perThread) {
          val id = "$t-$i"
          val handler = ExitHandler { println("ran $id") }
          if (random.nextInt(4) == 0) {
            val registration = scope.push(handler)
            println("registered $id")
            returned.incrementAndGet()
            if (random.nextBoolean()) {
              println("unregistering $id")
              println(if (registration.unregister()) "unregistered $id" else "kept $id")
            }
          } else {
            scope.register(handler)
            println("registered $id")
            returned.incrementAndGet()
            if (random.nextInt(3) == 0) {
              println("unregistering $id")
              println(if (scope.unregister(handler) == 1) "unregistered $id" else "kept $id")
            }
          }
        }
      }.apply {
        isDaemon = true
        start()
      }
    }
    // Exit while the threads are busy: once they are under way (on a loaded machine their start
    // alone has taken longer than a fixed pause), not after a set time.
    val until = System.nanoTime() + 10_000_000_000L
    while (returned.get() < 1_000 && System.nanoTime() < until) Thread.sleep(1)
    System.exit(0)
  }
}
