// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitScope
import java.time.Duration
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess

/** Child-JVM programs for nested scopes and `timeLeft()` at exit: `ScopePrograms <scenario>`. */
object ScopePrograms {
  private fun say(line: String) = println(line)

  @JvmStatic
  fun main(args: Array<String>) {
    val global = ExitScope.global()
    when (args[0]) {
      "nested-timeout" -> {
        global.register { say("global oldest") }
        val plugin = ExitScope.create("plugin")
        global.register(plugin)
        plugin.register { say("plugin oldest") }
        plugin.push("flush", Duration.ofMillis(300)) { sleepForever() }
        plugin.register { say("plugin newest") }
        global.register { say("global newest") }
      }

      "nested-exit" -> {
        global.register { say("global oldest") }
        val plugin = ExitScope.create("plugin")
        global.register(plugin)
        plugin.register { say("plugin older still runs") }
        plugin.push("calls exit") { System.exit(5) }
        plugin.register { say("plugin newest") }
        global.register { say("global newest") }
        System.exit(3)
      }

      "nested-twice-deadline" -> {
        global.push("c") { say("never printed: c") }
        val plugin = ExitScope.create("plugin")
        global.register(plugin)
        plugin.push("b") { say("never printed: b") }
        val sub = ExitScope.create("sub")
        plugin.register(sub)
        sub.push("a") { say("never printed: a") }
        sub.push("hangs") { sleepForever() }
        global.register { say("global newest") }
      }

      "nested-pushed-timeout" -> {
        global.register { say("global older runs") }
        val plugin = ExitScope.create("plugin-scope")
        global.push("plugin", Duration.ofMillis(500), plugin)
        plugin.push("never") { say("never printed") }
        plugin.push("hangs") { sleepForever() }
      }

      "time-left" -> {
        global.register { say("older runs") }
        global.push("waits", Duration.ofSeconds(1)) {
          say("left within the timeout: ${ExitScope.timeLeft().toMillis() in 700..1000}")
          val pool = Executors.newSingleThreadExecutor { r -> Thread(r).apply { isDaemon = true } }
          pool.execute { sleepForever() }
          pool.shutdown()
          if (!pool.awaitTermination(ExitScope.timeLeft(Duration.ofMillis(300)).toMillis(), TimeUnit.MILLISECONDS)) {
            say("fallback ran within the reserve")
          }
        }
        global.register { say("deadline left: ${ExitScope.timeLeft().toMillis() in 4000..5000}") }
      }

      else -> {
        System.err.println("unknown scenario ${args[0]}")
        exitProcess(99)
      }
    }
  }
}
