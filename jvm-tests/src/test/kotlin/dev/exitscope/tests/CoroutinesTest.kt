// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.cancelAndJoinAtExit
import dev.exitscope.coroutines.exitDeadline
import dev.exitscope.coroutines.exitScope
import dev.exitscope.coroutines.exitTimeLeft
import dev.exitscope.coroutines.push
import dev.exitscope.coroutines.registerFunction
import dev.exitscope.coroutines.registerSuspend
import dev.exitscope.coroutines.setDeadline
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import java.util.Collections
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** A resource with a suspending and a blocking close, for unregister by callable reference. */
private class Connection(private val log: MutableList<String>) {
  suspend fun close() {
    delay(1)
    log += "suspend close"
  }

  fun closeNow() {
    log += "blocking close"
  }
}

class CoroutinesTest : FunSpec({
  lateinit var scope: ExitScope
  lateinit var log: MutableList<String>

  beforeTest {
    scope = ExitScope.create("test")
    log = Collections.synchronizedList(mutableListOf())
  }

  context("registerSuspend") {
    test("takes its turn in the same LIFO stack as blocking handlers") {
      scope.register { log += "blocking 1" }
      scope.registerSuspend {
        delay(10)
        log += "suspend 2"
      }
      scope.register { log += "blocking 3" }
      scope.registerSuspend { log += "suspend 4" }
      scope.run()
      log shouldContainExactly listOf("suspend 4", "blocking 3", "suspend 2", "blocking 1")
    }

    test("cancels a handler at its timeout, running its finally blocks, then runs the next and throws the timeout") {
      scope.register { log += "older runs" }
      scope.registerSuspend(timeout = 100.milliseconds) {
        try {
          awaitCancellation()
        } finally {
          withContext(NonCancellable) { log += "finally ran" }
        }
      }
      shouldThrow<TimeoutCancellationException> { scope.run() }
      log shouldContainExactly listOf("finally ran", "older runs")
    }

    test("returns the block, which unregister removes") {
      val block = scope.registerSuspend { log += "never" }
      scope.unregister(block) shouldBe 1
      scope.size() shouldBe 0
    }

    test("is undone by unregister with an equal suspend callable reference") {
      val connection = Connection(log)
      scope.registerSuspend(block = connection::close)
      scope.registerSuspend(block = connection::close)
      scope.unregister(connection::close) shouldBe 2
      scope.size() shouldBe 0
    }

    test("is undone for a blocking function reference by the returned value, the compiler's suspend adapter") {
      val connection = Connection(log)
      val adapted = scope.registerSuspend(block = connection::closeNow)
      scope.unregister(connection::closeNow) shouldBe 0 // not equal to its adapter: use registerFunction
      scope.unregister(adapted) shouldBe 1
    }

    test("rejects a zero or negative timeout, naming it, and registers nothing") {
      for (bad in listOf(Duration.ZERO, (-1).seconds)) {
        shouldThrow<IllegalArgumentException> { scope.registerSuspend(timeout = bad) {} }.message shouldContain "timeout"
      }
      scope.size() shouldBe 0
    }
  }

  context("registerFunction") {
    test("lets unregister(obj::close) remove registerFunction(obj::close), as Python's bound methods") {
      val connection = Connection(log)
      scope.registerFunction(connection::closeNow) shouldBe connection::closeNow
      scope.registerFunction(connection::closeNow)
      scope.unregister(connection::closeNow) shouldBe 2
      scope.run()
      log shouldBe emptyList()
    }

    test("runs the function in LIFO order with the others") {
      val connection = Connection(log)
      scope.register { log += "older" }
      scope.registerFunction(connection::closeNow)
      scope.run()
      log shouldContainExactly listOf("blocking close", "older")
    }
  }

  context("cancelAndJoinAtExit") {
    test("cancels the job when the scope runs and waits for its finally blocks") {
      val app = CoroutineScope(Dispatchers.Default)
      val started = CompletableDeferred<Unit>()
      app.launch {
        try {
          started.complete(Unit)
          awaitCancellation()
        } finally {
          withContext(NonCancellable) {
            delay(100)
            log += "finally ran"
          }
        }
      }
      runBlocking { started.await() }
      scope.cancelAndJoinAtExit(app)
      scope.register { log += "older" }
      scope.run()
      log shouldContainExactly listOf("older", "finally ran")
    }

    test("throws the timeout when the job's finally blocks outlast it") {
      val started = CompletableDeferred<Unit>()
      val job =
        GlobalScope.launch {
          started.complete(Unit)
          withContext(NonCancellable) { delay(5_000) }
        }
      runBlocking { started.await() } // a job cancelled before it starts completes at once
      scope.cancelAndJoinAtExit(job, timeout = 100.milliseconds)
      shouldThrow<TimeoutCancellationException> { scope.run() }
      runBlocking { job.cancelAndJoin() }
    }

    test("removes its registration once the job completes by itself") {
      val job = Job()
      scope.cancelAndJoinAtExit(job)
      scope.size() shouldBe 1
      job.complete()
      scope.size() shouldBe 0
    }

    test("rejects a scope without a job, naming it, and registers nothing") {
      shouldThrow<IllegalArgumentException> { scope.cancelAndJoinAtExit(GlobalScope) }.message shouldContain "scope has no Job"
      scope.size() shouldBe 0
    }
  }

  context("exitScope") {
    test("runs its handlers, suspend ones included, newest first when the block completes") {
      val result =
        exitScope {
          register { log += "blocking" }
          registerSuspend { log += "suspend" }
          "result"
        }
      result shouldBe "result"
      log shouldContainExactly listOf("suspend", "blocking")
    }

    test("runs its handlers when the block fails, adding their failure as suppressed") {
      val failure =
        shouldThrow<IllegalStateException> {
          exitScope {
            registerSuspend { log += "ran" }
            register { throw IllegalArgumentException("handler failed") }
            error("block failed")
          }
        }
      failure.message shouldBe "block failed"
      failure.suppressed.map { it.message } shouldContainExactly listOf("handler failed")
      log shouldContainExactly listOf("ran")
    }

    test("runs its handlers when the calling coroutine is cancelled") {
      runBlocking {
        val ready = CompletableDeferred<Unit>()
        val job =
          launch {
            exitScope {
              registerSuspend {
                delay(10) // suspends although the caller is cancelled
                log += "suspend handler ran"
              }
              ready.complete(Unit)
              awaitCancellation()
            }
          }
        ready.await()
        job.cancelAndJoin()
      }
      log shouldContainExactly listOf("suspend handler ran")
    }

    test("throws the handlers' failure when the block succeeds") {
      shouldThrow<IllegalStateException> { exitScope { registerSuspend { error("handler failed") } } }
        .message shouldBe "handler failed"
    }
  }

  context("kotlin.time") {
    test("sets and reads the deadline, rejecting a non-positive one and keeping the old") {
      scope.setDeadline(2.seconds)
      scope.exitDeadline shouldBe 2.seconds
      shouldThrow<IllegalArgumentException> { scope.setDeadline(Duration.ZERO) }.message shouldContain "deadline"
      scope.exitDeadline shouldBe 2.seconds
    }

    test("pushes with a kotlin.time timeout, rejecting a non-positive one") {
      scope.push("named", 1.seconds) { log += "ran" }
      shouldThrow<IllegalArgumentException> { scope.push("bad", (-1).milliseconds) {} }.message shouldContain "timeout"
      scope.run()
      log shouldContainExactly listOf("ran")
    }

    test("has infinite time left outside a run at exit") {
      exitTimeLeft() shouldBe Duration.INFINITE
    }
  }
})
