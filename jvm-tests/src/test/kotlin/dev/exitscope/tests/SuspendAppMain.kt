// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.exitScope
import dev.exitscope.coroutines.exitTimeLeft
import dev.exitscope.coroutines.registerSuspend
import dev.exitscope.coroutines.suspendApp
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlin.concurrent.thread
import kotlin.coroutines.coroutineContext
import kotlin.system.exitProcess
import kotlin.time.Duration.Companion.seconds

/**
 * `suspendApp` programs for the child-JVM tests: `SuspendAppMain <scenario>`. Each prints what ran,
 * one line each, so the test can check the order: the block, its `finally`, its handlers (newest
 * first), then the global handler registered before the app.
 */
object SuspendAppMain {
  @JvmStatic
  fun main(args: Array<String>) {
    ExitScope.global().register { println("global handler registered before the app") }
    val scenario = args[0]
    val timeout = if (scenario == "timeout") 1.seconds else kotlin.time.Duration.INFINITE
    suspendApp(timeout = timeout) {
      atExit.register { println("older handler") }
      atExit.registerSuspend {
        delay(1)
        println("suspend handler")
      }
      try {
        when (scenario) {
          "returns" -> println("block returns")

          "returns-leaving-a-thread" -> {
            thread(isDaemon = false) { Thread.sleep(Long.MAX_VALUE) } // arrow-kt/arrow#3583
            println("block returns")
          }

          "fails" -> error("the block failed")

          "waits" -> {
            println("ready")
            awaitCancellation()
          }

          "exit-from-another-thread" -> {
            thread { System.exit(3) }
            awaitCancellation()
          }

          "exit-in-block" -> exitProcess(4)

          // arrow-kt/arrow#3846

          "exit-in-child" -> {
            launch(Dispatchers.Default) { exitProcess(5) }
            awaitCancellation()
          }

          "exit-status" -> {
            launch { exit(6) }
            awaitCancellation()
          }

          "slow-finally", "timeout" -> {
            println("ready")
            awaitCancellation()
          }
        }
      } finally {
        println("finally ran")
        when (scenario) {
          "slow-finally" -> {
            println("time left ${exitTimeLeft() <= 2.seconds}")
            Thread.sleep(60_000) // blocking, on the main thread: the exit stops waiting
          }

          "timeout" -> withContext(NonCancellable) { delay(60_000) }

          // suspended
          "waits" -> withContext(NonCancellable) {
            delay(50)
            println("finally suspended")
          }
        }
      }
    }
  }
}

/** `exitScope { }` inside `suspendApp`: a SIGTERM runs its suspend handlers in the caller's context. */
object ExitScopeInAppMain {
  @JvmStatic
  fun main(args: Array<String>) = suspendApp(CoroutineName("app")) {
    exitScope {
      registerSuspend { println("exitScope handler in ${coroutineContext[CoroutineName]?.name}") }
      register { println("blocking handler off the main thread: ${Thread.currentThread().name != "main"}") }
      println("ready")
      awaitCancellation()
    }
  }
}
