// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.AtExit
import dev.exitscope.ExitHandler
import dev.exitscope.ExitScope
import java.time.Duration
import kotlin.system.exitProcess

/** The programs the child-JVM tests run: `ChildMain <scenario>`. Each prints what it does. */
object ChildMain {
  private fun say(line: String) = println(line)

  /** Three handlers as in the README demo: one fails, one is unregistered. */
  private fun registerThree() {
    val scope = ExitScope.global()
    scope.register { say("handler 1 (oldest)") }
    val unwanted = scope.register { say("never printed: unregistered") }
    scope.register { throw IllegalStateException("handler 2 failed") }
    scope.register { say("handler 3 (newest)") }
    scope.unregister(unwanted)
  }

  @JvmStatic
  fun main(args: Array<String>) {
    when (args[0]) {
      "return" -> {
        registerThree()
        say("main returns")
      }

      "exit" -> {
        registerThree()
        say("calling System.exit(${args[1]})")
        System.exit(args[1].toInt())
      }

      "exit-from-thread" -> {
        registerThree()
        Thread { System.exit(4) }.apply { isDaemon = false }.start()
        Thread.sleep(Long.MAX_VALUE)
      }

      "uncaught" -> {
        registerThree()
        throw IllegalArgumentException("uncaught in main")
      }

      "wait" -> {
        registerThree()
        say("ready")
        Thread.sleep(Long.MAX_VALUE)
      }

      "halt" -> {
        registerThree()
        say("halting")
        Runtime.getRuntime().halt(7)
      }

      "atexit" -> {
        AtExit.register { say("first registered, runs last") }
        AtExit.register({ name: String, adjective: String -> say("Goodbye $name, it was $adjective to meet you.") }, "Donny", "nice")
        val h = AtExit.register { say("unregistered") }
        say("unregistered ${AtExit.unregister(h)}, ${AtExit.size()} left")
      }

      "hang" -> {
        val scope = ExitScope.global()
        scope.register { say("older: never runs, the deadline is spent") }
        scope.push("hanger") { Thread.sleep(Long.MAX_VALUE) }
        scope.register { say("newest runs first") }
      }

      "handler-timeout" -> {
        val scope = ExitScope.global()
        scope.register { say("older runs after the timeout") }
        scope.push("slow close", Duration.ofMillis(500)) { sleepForever() }
        say("registered")
      }

      "exit-in-handler" -> {
        val scope = ExitScope.global()
        scope.register { say("older still runs") }
        scope.push("calls exit") {
          say("calling System.exit(5) in a handler")
          System.exit(5)
        }
        // Through System.exit: when main returns instead, the JDK lets the abandoned exit call
        // finish after the hooks, and its status may win (see the README's limits).
        System.exit(args[1].toInt())
      }

      "errors" -> {
        val scope = ExitScope.global()
        scope.register { say("oldest still runs") }
        scope.push("oom") { say("allocated ${LongArray(Int.MAX_VALUE - 8).size}") }
        scope.push("recursion") { say("depth ${recurse(0)}") }
        scope.push("own error") { throw MyError() }
      }

      "slow" -> {
        val scope = ExitScope.global()
        scope.register { say("older runs after the slow one") }
        scope.register {
          Thread.sleep(1000)
          say("slow handler finished")
        }
        say("ready")
        Thread.sleep(Long.MAX_VALUE)
      }

      "register-in-handler" -> {
        val scope = ExitScope.global()
        scope.register { say("oldest") }
        scope.register {
          say("newest registers another")
          scope.register { say("registered during the exit, runs next") }
        }
      }

      "parameter-names" -> { // in a JVM of its own: Lincheck's agent rewrites classes, dropping them
        val register = ExitScope::class.java.getMethod("register", dev.exitscope.ExitHandler2::class.java, Any::class.java, Any::class.java)
        val push = ExitScope::class.java.getMethod("push", String::class.java, Duration::class.java, ExitHandler::class.java)
        for (m in listOf(register, push)) say(m.parameters.joinToString { it.name })
      }

      "holes" -> {
        // Registrations removed below the top leave holes (fewer than half the slots: nothing moves
        // them), which the exit must pass once, not once a handler.
        val scope = ExitScope.global()
        scope.deadline = Duration.ofSeconds(10)
        var ran = 0
        scope.register { say("$ran handlers ran before the oldest") }
        val handles = ArrayList<dev.exitscope.Registration>()
        repeat(300_000) {
          scope.register { ran++ }
          handles += scope.push { ran++ }
        }
        handles.dropLast(1).forEach { it.unregister() }
      }

      "after-exit" -> {
        val scope = ExitScope.global()
        scope.register { say("handler ran; closed=${scope.isClosed}") }
        Runtime.getRuntime().addShutdownHook(
          Thread {
            Thread.sleep(500)
            scope.register { say("late registration ran at once") }
          },
        )
      }

      "threads" -> ExitScope.global().register {
        val hook = Thread.getAllStackTraces().keys.single { it.name == "exitscope-hook" }
        val me = Thread.currentThread()
        say("handler on ${me.name}, daemon=${me.isDaemon}, loader=${me.contextClassLoader}")
        say("hook thread ${hook.name}, loader=${hook.contextClassLoader}")
      }

      "deadline" -> repeat(2) { say("deadline ${ExitScope.global().deadline}") }

      "jul" -> JulAtExit.main(args.drop(1))

      "stress" -> ExitStress.main(args.drop(1))

      else -> {
        System.err.println("unknown scenario ${args[0]}")
        exitProcess(99)
      }
    }
  }

  private fun recurse(n: Int): Int = recurse(n + 1) + 1

  private class MyError : Error("a handler's own Error")
}
