// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope

import dev.exitscope.coroutines.cancelAndJoinAtExit
import dev.exitscope.internal.ExitHook
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import io.mockk.every
import io.mockk.mockk
import io.mockk.slot
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import java.io.ByteArrayOutputStream
import java.io.PrintStream
import java.time.Duration
import java.util.Collections
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/**
 * Runs [block] on its own thread and waits [bound] for it: a run that hangs fails this test at
 * once instead of hanging the suite. Returns what [block] threw, or null.
 */
private fun runBounded(bound: kotlin.time.Duration = 10.seconds, block: () -> Unit): Throwable? {
  var thrown: Throwable? = null
  val t =
    Thread {
      try {
        block()
      } catch (e: Throwable) {
        thrown = e
      }
    }
  t.isDaemon = true
  t.start()
  t.join(bound.inWholeMilliseconds)
  check(!t.isAlive) { "still running after $bound" }
  return thrown
}

/** Collects what is written to System.err while [block] runs, and a little after (reports may be late). */
private fun stderrOf(expected: String, block: () -> Unit): String {
  val captured = ByteArrayOutputStream()
  val original = System.err
  System.setErr(PrintStream(captured, true))
  try {
    block()
    val until = TimeSource.Monotonic.markNow() + 2.seconds
    while (!captured.toString().contains(expected) && until.hasNotPassedNow()) Thread.sleep(10)
  } finally {
    System.setErr(original)
  }
  return captured.toString()
}

/** A listener that throws from every method, an Error from some; its toString may throw too. */
private class ThrowingListener(private val nameThrows: Boolean) : ExitListener {
  override fun runStarted(scope: String, handlers: Int) = throw IllegalStateException("runStarted")

  override fun handlerStarted(handler: String) = throw IllegalStateException("handlerStarted")

  override fun handlerFinished(handler: String, took: Duration) = throw IllegalStateException("handlerFinished")

  override fun handlerFailed(handler: String, failure: Throwable) = throw AssertionError("handlerFailed")

  override fun handlerTimedOut(handler: String, after: Duration, stack: Array<StackTraceElement>) = throw AssertionError("handlerTimedOut")

  override fun handlersSkipped(scope: String, handlers: List<String>) = throw AssertionError("handlersSkipped")

  override fun runFinished(scope: String, summary: ExitSummary) = throw IllegalStateException("runFinished")

  override fun toString(): String = if (nameThrows) throw IllegalStateException("toString") else "throwing listener"
}

/** Counts the calls to its equals; all instances are equal and share a hash code. */
private class CountingKey : ExitHandler {
  val equalsCalls = AtomicInteger()

  override fun run() {}

  override fun equals(other: Any?): Boolean {
    equalsCalls.incrementAndGet()
    return other is CountingKey
  }

  override fun hashCode() = 7
}

/**
 * Issue 10, "the suite must catch these too": behaviours that bugs seeded one at a time into a clone
 * broke without any test noticing. Each test here fails on its seeded bug: a listener's exception
 * escaping the report, `cancelAndJoinAtExit(scope, timeout)` ignoring its timeout, and `clear()`
 * emptying the list but not the hash index.
 */
class SeededBugsTest : FunSpec({
  lateinit var hook: ExitHook
  val onExit = slot<Runnable>()
  val ran: MutableList<String> = Collections.synchronizedList(mutableListOf())

  beforeTest {
    onExit.clear()
    ran.clear()
    hook = mockk(relaxed = true)
    every { hook.install(capture(onExit)) } returns Unit
    every { hook.isStuckInExit(any()) } returns false
  }

  context("a listener at exit") {
    for (nameThrows in listOf(false, true)) {
      val which = if (nameThrows) ", its toString too," else ""
      test("a listener throwing from every method$which does not escape the run, and every handler runs") {
        val scope = ExitScope("test", hook)
        scope.setListener(ThrowingListener(nameThrows))
        scope.push("oldest") { ran += "oldest" }
        scope.push("failing") { throw IllegalStateException("the handler's own failure") }
        scope.push("newest") { ran += "newest" }

        stderrOf("the handler's own failure") { runBounded { onExit.captured.run() }.shouldBeNull() }

        ran shouldContainExactly listOf("newest", "oldest")
        scope.isClosed shouldBe true
      }
    }

    test("with a listener throwing from every method, a handler's failure still reaches System.err") {
      val scope = ExitScope("test", hook)
      scope.setListener(ThrowingListener(nameThrows = false))
      scope.push("failing") { throw IllegalStateException("the handler's own failure") }

      val err = stderrOf("the handler's own failure") { runBounded { onExit.captured.run() } }

      err.lines() shouldContain "Exception ignored in exit handler failing"
      err shouldContain "java.lang.IllegalStateException: the handler's own failure"
    }
  }

  context("cancelAndJoinAtExit(scope, timeout)") {
    /** A scope whose one coroutine, once cancelled, runs a finally block that ends only on [release]. */
    fun stubbornApp(release: CompletableDeferred<Unit>): CoroutineScope {
      val app = CoroutineScope(Job() + Dispatchers.Default)
      val started = CompletableDeferred<Unit>()
      app.launch {
        try {
          started.complete(Unit)
          awaitCancellation()
        } finally {
          withContext(NonCancellable) { release.await() }
        }
      }
      runBlocking { started.await() }
      return app
    }

    test("an explicit run gives up on a finally block that never ends at the timeout, runs the older handler and throws the timeout") {
      val release = CompletableDeferred<Unit>()
      try {
        val scope = ExitScope.create("test")
        scope.register { ran += "older" }
        scope.cancelAndJoinAtExit(stubbornApp(release), timeout = 200.milliseconds)
        val start = TimeSource.Monotonic.markNow()
        runBounded { scope.run() }.shouldBeInstanceOf<TimeoutCancellationException>()
        start.elapsedNow() shouldBeLessThan 3.seconds
        ran shouldContainExactly listOf("older")
      } finally {
        release.complete(Unit)
      }
    }

    test("the run at exit gives up on it after the timeout and the cancellation grace, far before the deadline, and runs the older handler") {
      val release = CompletableDeferred<Unit>()
      try {
        val scope = ExitScope("test", hook)
        scope.setDeadline(Duration.ofSeconds(30))
        scope.register { ran += "older" }
        scope.cancelAndJoinAtExit(stubbornApp(release), timeout = 200.milliseconds)
        val start = TimeSource.Monotonic.markNow()
        runBounded(20.seconds) { onExit.captured.run() }.shouldBeNull()
        start.elapsedNow() shouldBeLessThan 5.seconds // 200 ms + 1 s of grace, not the 30 s deadline
        ran shouldContainExactly listOf("older")
      } finally {
        release.complete(Unit)
      }
    }
  }

  context("clear") {
    test("empties the hash index as well: a later unregister finds nothing and calls no cleared handler's equals") {
      val scope = ExitScope.create("test")
      val cleared = CountingKey()
      scope.register(cleared)
      scope.clear()
      val probe = CountingKey()

      scope.unregister(probe) shouldBe 0

      cleared.equalsCalls.get() shouldBe 0
      probe.equalsCalls.get() shouldBe 0
      scope.size() shouldBe 0
    }

    test("leaves the index working: a handler registered after it is found by unregister") {
      val scope = ExitScope.create("test")
      scope.register(CountingKey())
      scope.clear()
      scope.register(CountingKey())
      scope.unregister(CountingKey()) shouldBe 1
      scope.size() shouldBe 0
    }
  }
})
