// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.coroutines.internal

import kotlinx.coroutines.yield
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * Loads the classes a suspend handler needs at exit on a daemon thread as soon as the first one is
 * registered, so that the exit does not pay for loading kotlinx.coroutines: it runs the two paths
 * a handler takes, without and with a timeout, on a block that does nothing.
 */
internal object Preload {
  @Volatile private var started = false

  fun start() {
    if (started) return
    started = true
    Thread(Warm(), "exitscope-preload").apply {
      isDaemon = true
      start()
    }
  }

  private class Warm : Runnable {
    override fun run() {
      SuspendHandler(NOTHING, Duration.INFINITE, "preload").run()
      SuspendHandler(NOTHING, 60.seconds, "preload").run()
    }
  }

  private val NOTHING: suspend () -> Unit = { yield() }
}
