// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitHandler
import dev.exitscope.ExitListener
import dev.exitscope.ExitScope
import dev.exitscope.ExitSummary
import java.time.Duration
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.logging.LogManager
import java.util.logging.Logger
import kotlin.system.exitProcess

/**
 * The programs [EndOfExitTest] runs in child JVMs: `EndOfExitPrograms <scenario> [variant]`. Each
 * works the last moments of the exit (the deadline, the pace of reports, nested scopes, logging)
 * and prints what ran on stdout; each prints [EXIT_START] right before its exit starts.
 */
object EndOfExitPrograms {
  private val global: ExitScope get() = ExitScope.global()

  private fun exit(status: Int): Nothing {
    markExitStart()
    System.exit(status)
    throw AssertionError("System.exit returned")
  }

  @JvmStatic
  fun main(args: Array<String>) {
    val variant = args.getOrElse(1) { "" }
    when (args[0]) {
      "slow-listener" -> {
        // Issue 18, item 1: a listener taking 100 ms a call, as a synchronous log shipper does,
        // well below the half second after which it would be given up on.
        global.setListener(SlowListener)
        val ran = AtomicInteger()
        global.register { println("${ran.get()} quick handlers ran") }
        repeat(1000) { global.register { ran.incrementAndGet() } }
        global.push("failing") { throw IllegalStateException("the failing handler's own failure") }
        repeat(1000) { global.register { ran.incrementAndGet() } }
        exit(3)
      }

      "unreported-counted" -> {
        // The listener hears the run start, then blocks until every handler has run, so that the
        // reports of most of the 2,000 handlers find its queue full; it then hears the rest quickly.
        val listener = CountingListener()
        global.setListener(listener)
        global.register { listener.handlersDone.countDown() }
        repeat(2000) { global.register {} }
        exit(0)
      }

      "name-locked-by-main" -> {
        // Issue 18, item 2: a handler whose toString, and whose run, need a lock that main holds
        // inside System.exit: it hangs until the deadline, and naming it would hang too.
        val lock = Object()
        if (variant == "listener") global.setListener(PrintingListener)
        global.push("oldest") { println("oldest ran") }
        global.register(Locked(lock))
        synchronized(lock) { exit(3) }
      }

      "million-skipped" -> {
        // Issue 18, item 3: a million handlers of three kinds and twelve named ones, never run.
        global.push("oldest") { println("never printed") }
        repeat(12) { i -> global.push("named $i") { println("never printed") } }
        repeat(900) { global.register(Port.second()) }
        repeat(999_000) { global.register(Port.first()) }
        repeat(100) { global.register(Port.third()) }
        global.push("hangs") { sleepForever() }
        println("registered ${global.size()}")
        exit(4)
      }

      "nested-not-reached" -> {
        // Issue 18, item 4: the deadline comes before the plugin's turn.
        val plugin = ExitScope.create("plugin")
        val sub = ExitScope.create("sub")
        global.register(plugin)
        plugin.push("close") { println("never printed: close") }
        plugin.register(sub)
        sub.push("a") { println("never printed: a") }
        plugin.push("flush") { println("never printed: flush") }
        global.push("hangs") { sleepForever() }
        // Another JDK hook, as a framework's: it registers in both scopes once the exit has closed them.
        Runtime.getRuntime().addShutdownHook(
          Thread({
            val until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
            while (!(plugin.isClosed() && sub.isClosed()) && System.nanoTime() < until) Thread.sleep(10)
            println("plugin closed: ${plugin.isClosed()}, sub closed: ${sub.isClosed()}")
            plugin.register { println("late registration ran on ${Thread.currentThread().name}") }
            sub.register { println("late registration in sub ran on ${Thread.currentThread().name}") }
          }, "late-hook"),
        )
        exit(0)
      }

      "nested-running" -> {
        val plugin = ExitScope.create("plugin")
        global.register { println("after its turn: running ${plugin.isRunning()}, closed ${plugin.isClosed()}") }
        global.register(plugin)
        plugin.register { println("in its turn: running ${plugin.isRunning()}, closed ${plugin.isClosed()}") }
        global.register { println("before its turn: running ${plugin.isRunning()}, closed ${plugin.isClosed()}") }
        exit(0)
      }

      "time-left-reserve" -> {
        // Issue 18's seeded bug: timeLeft(reserve) going negative when the reserve exceeds what is left.
        global.register { println("timeLeft(1 hour) at exit: ${ExitScope.timeLeft(Duration.ofHours(1))}") }
        exit(0)
      }

      "jul-first-record-at-exit" -> {
        // Issue 18, item 6: the guide's JUL recipe, in a program that never logs before its exit.
        val log = Logger.getLogger("app")
        if (variant == "reread") LogManager.getLogManager().readConfiguration()
        global.register {
          Thread.sleep(500) // JUL's own hook has long run by now
          log.info("slow handler: still logging")
        }
        global.register { log.info("newest handler") }
        markExitStart() // main returns
      }

      else -> {
        System.err.println("unknown scenario ${args[0]}")
        exitProcess(99)
      }
    }
  }

  /** Three lambda sites, so that a report names three kinds of handler. */
  private object Port {
    fun first() = ExitHandler { println("never printed") }

    fun second() = ExitHandler { println("never printed") }

    fun third() = ExitHandler { println("never printed") }
  }

  /** A handler that needs [lock] to run and to be named. */
  class Locked(private val lock: Any) : ExitHandler {
    override fun run() = synchronized(lock) { println("never printed") }

    override fun toString(): String = synchronized(lock) { "locked" }
  }

  /** Takes 100 ms over every call. */
  private object SlowListener : ExitListener {
    override fun handlerStarted(handler: String) = Thread.sleep(100)

    override fun handlerFinished(handler: String, took: Duration) = Thread.sleep(100)

    override fun handlerFailed(handler: String, failure: Throwable) = Thread.sleep(100)

    override fun toString() = "slow listener"
  }

  /** Prints the problems it hears on stdout. */
  private object PrintingListener : ExitListener {
    override fun handlerTimedOut(handler: String, after: Duration, stack: Array<StackTraceElement>) = println("listener: $handler timed out")

    override fun handlersSkipped(scope: String, handlers: List<String>) = println("listener: skipped $handlers")
  }

  /**
   * Counts the progress it hears: the run's start, each handler's start and end. It blocks in the
   * first handler's start until [handlersDone]: for less than its share of time, so it is not given
   * up on, but long enough for the run to overflow its queue.
   */
  private class CountingListener : ExitListener {
    val handlersDone = CountDownLatch(1)
    private var heard = 0

    override fun runStarted(scope: String, handlers: Int) {
      heard++
    }

    override fun handlerStarted(handler: String) {
      heard++
      handlersDone.await(300, TimeUnit.MILLISECONDS)
    }

    override fun handlerFinished(handler: String, took: Duration) {
      heard++
    }

    override fun runFinished(scope: String, summary: ExitSummary) {
      println("heard $heard, unreported ${summary.unreported()}, ran ${summary.succeeded()}")
    }

    override fun toString() = "counting listener"
  }
}
