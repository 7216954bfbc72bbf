// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitListener
import dev.exitscope.ExitScope
import dev.exitscope.ExitSummary
import java.io.FileDescriptor
import java.io.FileOutputStream
import java.io.OutputStream
import java.io.PrintStream
import java.text.MessageFormat
import java.time.Duration
import java.util.ResourceBundle
import java.util.concurrent.atomic.AtomicLong
import kotlin.concurrent.thread
import kotlin.system.exitProcess

/**
 * The programs [ReportingPathTest] runs in child JVMs: `ReportingPrograms <scenario> [variant]`.
 * Each attacks the reporting path of the run at exit (listeners, `System.err`, handler names, the
 * deadline property, interrupts) and prints what ran on stdout. Each prints [EXIT_START] right
 * before its exit starts, so that the test can time the exit alone.
 */
object ReportingPrograms {
  private val scope: ExitScope get() = ExitScope.global()

  private fun say(line: String) = println(line)

  /** Starts the exit through `System.exit`, timed from here. */
  private fun exit(status: Int): Nothing {
    markExitStart()
    System.exit(status)
    throw AssertionError("System.exit returned")
  }

  /**
   * The usual handlers, run in this order at exit: `newest` prints, `failing` throws, `sleeper`
   * hangs past its 300 ms timeout ignoring interrupts, `oldest` prints. What must reach stderr:
   * the failure and the timeout.
   */
  private fun registerUsual() {
    scope.push("oldest") { say("oldest ran") }
    scope.push("sleeper", Duration.ofMillis(300)) { sleepForever() }
    scope.push("failing") { throw IllegalStateException("the failing handler's own failure") }
    scope.push("newest") { say("newest ran") }
  }

  @JvmStatic
  fun main(args: Array<String>) {
    val variant = args.getOrElse(1) { "" }
    when (args[0]) {
      "listener-blocks-on-main-lock" -> {
        val lock = Object()
        scope.setListener(LockedListener(lock))
        registerUsual()
        synchronized(lock) { exit(6) }
      }

      "listener-blocks" -> {
        scope.setListener(BlockingListener(variant))
        registerUsual()
        exit(5)
      }

      "listener-blocks-until-signal" -> {
        scope.setListener(BlockingListener("every"))
        registerUsual()
        say("ready")
        Thread.sleep(Long.MAX_VALUE)
      }

      "stderr-lock-held-by-abandoned-handler" -> {
        // The issue's case: the default listener, and a handler stuck inside System.err.printf.
        val lock = Object()
        val pool = object {
          override fun toString() = synchronized(lock) { "pool" }
        }
        scope.push("older") { say("older ran") }
        scope.push("closing pool", Duration.ofMillis(500)) { System.err.printf("closing %s%n", pool) }
        synchronized(lock) { exit(3) }
      }

      "stderr-pipe-full" -> {
        fillStderr()
        registerUsual()
        exit(7)
      }

      "stderr-replaced" -> {
        registerUsual()
        System.setErr(
          when (variant) {
            "throws" -> PrintStream(ThrowingStream, true)
            "blocks" -> PrintStream(BlockingStream, true)
            "null" -> null
            else -> error(variant)
          },
        )
        exit(4)
      }

      "throwing-listener" -> {
        scope.setListener(ThrowingListener(nameThrows = variant == "toString-throws"))
        registerUsual()
        exit(2)
      }

      "throwing-listener-past-deadline" -> {
        scope.setListener(ThrowingListener(nameThrows = true))
        scope.push("oldest") { say("oldest ran") }
        scope.push("hanger") { sleepForever() }
        markExitStart() // main returns
      }

      "listener-toString-blocks" -> {
        scope.setListener(
          object : ExitListener {
            override fun handlerFailed(handler: String, failure: Throwable) = throw IllegalStateException("listener broke")

            override fun handlerTimedOut(handler: String, after: Duration, stack: Array<StackTraceElement>) = throw IllegalStateException("listener broke")

            override fun toString(): String {
              sleepForever()
            }
          },
        )
        registerUsual()
        exit(2)
      }

      "listener-exits" -> {
        scope.setListener(
          object : ExitListener {
            override fun handlerFailed(handler: String, failure: Throwable) = System.exit(9)

            override fun toString() = "exiting listener"
          },
        )
        registerUsual()
        exit(2)
      }

      "listener-reenters" -> {
        scope.setListener(ReentrantListener)
        scope.push("oldest") { say("oldest ran") }
        scope.push("failing") {
          say("failing ran")
          throw IllegalStateException("the failing handler's own failure")
        }
        scope.push("newest") { say("newest ran") }
        exit(2)
      }

      "handler-name" -> {
        scope.push("oldest") { say("oldest ran") }
        when (variant) {
          "initializer-error" -> scope.register(BadName())

          "hostile" -> {
            scope.register(Hostile())
            scope.push("unregisters") {
              say("unregisters ran")
              scope.unregister(Probe())
            }
            // The first unregister by equality hashes the handlers (the index is built lazily):
            // here, while Hostile's hashCode still works, so that the one at exit asks its equals.
            scope.unregister(Probe())
          }

          "blocks" -> scope.register(SlowName())

          else -> error(variant)
        }
        scope.push("newest") { say("newest ran") }
        Hostile.exiting = true
        exit(5)
      }

      "deadline-unreadable" -> {
        scope.push("oldest") { say("oldest ran") }
        scope.push("newest") { say("newest ran") }
        scope.push("deadline") { say("deadline ${scope.deadline}") } // read again: still reported once
        exit(4)
      }

      "interrupts-group" -> {
        scope.push("oldest") { say("oldest ran") }
        scope.push("sleeper", Duration.ofMillis(200)) { sleepForever() }
        for (i in 0 until 50) {
          scope.push("interrupter $i") {
            Thread.sleep(1)
            Thread.currentThread().threadGroup.interrupt() // the hook thread's group too
            say("interrupter $i ran")
          }
        }
        exit(8)
      }

      "system-logger" -> {
        scope.setListener(
          when (variant) {
            "jdk" -> ExitListener.systemLogger(System.getLogger("exitscope-test"))
            "own" -> ExitListener.systemLogger(StdoutLogger)
            "own-without-stderr" -> systemLoggerWithoutStderr(StdoutLogger)
            else -> error(variant)
          },
        )
        registerUsual()
        exit(2)
      }

      "listener-slow" -> {
        scope.setListener(SlowListener)
        scope.push("failing") { throw IllegalStateException("the failing handler's own failure") }
        for (i in 0 until 10) {
          scope.push("quick $i") { say("quick $i ran") }
        }
        exit(3)
      }

      "failure-message" -> {
        scope.push("oldest") { say("oldest ran") }
        scope.push("bad message") { throw BadMessage(blocks = variant == "blocks") }
        scope.push("newest") { say("newest ran") }
        exit(6)
      }

      "failure-flood" -> {
        scope.push("oldest") { say("oldest ran") }
        for (i in 0 until 1000) {
          scope.push("flood $i") { throw Flood(i) }
        }
        exit(2)
      }

      else -> {
        System.err.println("unknown scenario ${args[0]}")
        exitProcess(99)
      }
    }
  }

  /** `ExitListener.systemLogger(logger, false)`, by reflection: it may not exist yet. */
  private fun systemLoggerWithoutStderr(logger: System.Logger): ExitListener = try {
    ExitListener::class.java
      .getMethod("systemLogger", System.Logger::class.java, Boolean::class.javaPrimitiveType)
      .invoke(null, logger, false) as ExitListener
  } catch (missing: NoSuchMethodException) {
    System.err.println("no ExitListener.systemLogger(System.Logger, boolean)")
    exitProcess(98)
  }

  /**
   * Fills the stderr pipe (the test does not read it) from a daemon thread writing to the file
   * descriptor itself, as a container's stuck log pipe would be; returns once writes block.
   */
  private fun fillStderr() {
    val written = AtomicLong()
    thread(isDaemon = true, name = "stderr-filler") {
      val fd2 = FileOutputStream(FileDescriptor.err)
      val chunk = ByteArray(4096) { 'x'.code.toByte() }
      while (true) {
        fd2.write(chunk)
        written.addAndGet(chunk.size.toLong())
      }
    }
    var last = -1L
    while (true) {
      Thread.sleep(300)
      val now = written.get()
      if (now == last && now > 0) break
      last = now
    }
    say("stderr blocked after $last bytes")
  }

  /** A listener whose every method waits for [lock], which `main` holds while it exits. */
  private class LockedListener(private val lock: Any) : ExitListener {
    private fun await() = synchronized(lock) {}

    override fun runStarted(scope: String, handlers: Int) = await()

    override fun handlerStarted(handler: String) = await()

    override fun handlerFinished(handler: String, took: Duration) = await()

    override fun handlerFailed(handler: String, failure: Throwable) = await()

    override fun handlerTimedOut(handler: String, after: Duration, stack: Array<StackTraceElement>) = await()

    override fun handlerCalledExit(handler: String, stack: Array<StackTraceElement>) = await()

    override fun handlersSkipped(scope: String, handlers: List<String>) = await()

    override fun runFinished(scope: String, summary: ExitSummary) = await()

    override fun toString() = "locked listener"
  }

  /** A listener that blocks forever in [where] (a method name), or in every method for `every`. */
  private class BlockingListener(private val where: String) : ExitListener {
    private fun maybeBlock(method: String) {
      if (where == "every" || where == method) sleepForever()
    }

    override fun runStarted(scope: String, handlers: Int) = maybeBlock("runStarted")

    override fun handlerStarted(handler: String) = maybeBlock("handlerStarted")

    override fun handlerFinished(handler: String, took: Duration) = maybeBlock("handlerFinished")

    override fun handlerFailed(handler: String, failure: Throwable) = maybeBlock("handlerFailed")

    override fun handlerTimedOut(handler: String, after: Duration, stack: Array<StackTraceElement>) = maybeBlock("handlerTimedOut")

    override fun handlerCalledExit(handler: String, stack: Array<StackTraceElement>) = maybeBlock("handlerCalledExit")

    override fun handlersSkipped(scope: String, handlers: List<String>) = maybeBlock("handlersSkipped")

    override fun runFinished(scope: String, summary: ExitSummary) = maybeBlock("runFinished")

    override fun toString() = "blocking listener"
  }

  /** Thrown by [ThrowingListener]: an `Error`, not an exception. */
  private class ListenerError(message: String) : Error(message)

  /** A listener that throws from every method, exceptions or errors; its toString may throw too. */
  private class ThrowingListener(private val nameThrows: Boolean) : ExitListener {
    override fun runStarted(scope: String, handlers: Int) = throw IllegalStateException("listener broke in runStarted")

    override fun handlerStarted(handler: String) = throw IllegalStateException("listener broke in handlerStarted")

    override fun handlerFinished(handler: String, took: Duration) = throw IllegalStateException("listener broke in handlerFinished")

    override fun handlerFailed(handler: String, failure: Throwable) = throw ListenerError("listener broke in handlerFailed")

    override fun handlerTimedOut(handler: String, after: Duration, stack: Array<StackTraceElement>) = throw ListenerError("listener broke in handlerTimedOut")

    override fun handlerCalledExit(handler: String, stack: Array<StackTraceElement>) = throw ListenerError("listener broke in handlerCalledExit")

    override fun handlersSkipped(scope: String, handlers: List<String>) = throw ListenerError("listener broke in handlersSkipped")

    override fun runFinished(scope: String, summary: ExitSummary) = throw IllegalStateException("listener broke in runFinished")

    override fun toString(): String = if (nameThrows) throw ListenerError("listener's toString broke") else "throwing listener"
  }

  /** A listener that takes 300 ms over every call: within its share, but slower than the handlers. */
  private object SlowListener : ExitListener {
    private fun slow() = Thread.sleep(300)

    override fun runStarted(scope: String, handlers: Int) = slow()

    override fun handlerStarted(handler: String) = slow()

    override fun handlerFinished(handler: String, took: Duration) = slow()

    override fun handlerFailed(handler: String, failure: Throwable) = slow()

    override fun handlerTimedOut(handler: String, after: Duration, stack: Array<StackTraceElement>) = slow()

    override fun handlersSkipped(scope: String, handlers: List<String>) = slow()

    override fun runFinished(scope: String, summary: ExitSummary) = slow()
  }

  /** A handler's failure whose message (user code, read to print it) throws, or never returns. */
  private class BadMessage(private val blocks: Boolean) : RuntimeException() {
    override val message: String
      get() = if (blocks) sleepForever() else throw IllegalStateException("getMessage broke")
  }

  /** A listener that uses the scope it listens to: register, unregister, size, run, push, clear. */
  private object ReentrantListener : ExitListener {
    override fun runStarted(scope: String, handlers: Int) {
      ExitScope.global().register { println("registered by the listener ran") }
    }

    override fun handlerStarted(handler: String) {
      ExitScope.global().unregister(Any())
      ExitScope.global().size()
    }

    override fun handlerFinished(handler: String, took: Duration) = ExitScope.global().run()

    override fun handlerFailed(handler: String, failure: Throwable) {
      ExitScope.global().push("pushed by the listener") { println("pushed by the listener ran") }
    }

    override fun runFinished(scope: String, summary: ExitSummary) = ExitScope.global().clear()
  }

  /** An output stream that fails as a logging bridge does once logging has stopped. */
  private object ThrowingStream : OutputStream() {
    override fun write(b: Int) = throw IllegalStateException("logging has stopped")

    override fun write(b: ByteArray, off: Int, len: Int) = throw IllegalStateException("logging has stopped")
  }

  /** An output stream whose writes never return. */
  private object BlockingStream : OutputStream() {
    override fun write(b: Int) = sleepForever()

    override fun write(b: ByteArray, off: Int, len: Int) = sleepForever()
  }

  /** A class whose initialization fails: the first use throws ExceptionInInitializerError. */
  private object Unloadable {
    val NAME: String = System.getProperty("exitscope.no.such.property") ?: throw IllegalStateException("no name")
  }

  /** A failing handler whose toString throws ExceptionInInitializerError (then NoClassDefFoundError). */
  class BadName : dev.exitscope.ExitHandler {
    override fun run() = throw IllegalStateException("the bad name's own failure")

    override fun toString(): String = Unloadable.NAME
  }

  /** Thrown by [Hostile] from its Object methods. */
  private class HostileError(message: String) : Error(message)

  /**
   * A failing handler whose toString always throws an Error, and whose equals and hashCode throw
   * one once the exit has started (they worked when it was registered).
   */
  class Hostile : dev.exitscope.ExitHandler {
    override fun run() = throw IllegalStateException("the hostile handler's own failure")

    override fun hashCode(): Int = if (exiting) throw HostileError("hashCode") else 42

    override fun equals(other: Any?): Boolean = if (exiting) throw HostileError("equals") else this === other

    override fun toString(): String = throw HostileError("toString")

    companion object {
      @Volatile var exiting = false
    }
  }

  /** Has [Hostile]'s hash code, so that unregistering it calls Hostile's equals. */
  private class Probe {
    override fun hashCode() = 42

    override fun equals(other: Any?) = other === this
  }

  /** A failing handler whose toString never returns. */
  class SlowName : dev.exitscope.ExitHandler {
    override fun run() = throw IllegalStateException("the slow name's own failure")

    override fun toString(): String = sleepForever()
  }

  /** A failure without a stack trace, so that a thousand of them print quickly. */
  private class Flood(i: Int) : RuntimeException("flood $i", null, false, false)

  /** A System.Logger printing `logger: LEVEL message` on stdout. */
  private object StdoutLogger : System.Logger {
    override fun getName() = "stdout"

    override fun isLoggable(level: System.Logger.Level) = true

    override fun log(level: System.Logger.Level, bundle: ResourceBundle?, msg: String?, thrown: Throwable?) {
      println("logger: $level $msg")
    }

    override fun log(level: System.Logger.Level, bundle: ResourceBundle?, format: String?, vararg params: Any?) {
      println("logger: $level ${MessageFormat.format(format ?: "", *params)}")
    }
  }
}
