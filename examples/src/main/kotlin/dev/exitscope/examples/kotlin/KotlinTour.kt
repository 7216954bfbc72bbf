// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.kotlin

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.registerSuspend
import kotlinx.coroutines.delay
import kotlin.time.Duration.Companion.seconds

/** The Kotlin half of the README's demo. */
object KotlinTour {
  @JvmStatic
  fun registerHandlers(scope: ExitScope) {
    scope.register { println("  4. Kotlin handler") }
    scope.registerSuspend(2.seconds) {
      delay(100)
      println("  5. Kotlin suspend handler, after delay(100) under a bounded runBlocking")
    }
  }
}
