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
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.asContextElement
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import java.io.File
import java.io.IOException
import java.util.Collections
import java.util.concurrent.Executors
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

  suspend fun flush(): Boolean {
    delay(1)
    log += "flushed"
    return true
  }
}

/** Python's `goodbye(name, adjective)` from the atexit docs. */
private fun goodbye(
  name: String,
  adjective: String,
) {
  sayings += "Goodbye $name, it was $adjective to meet you."
}

private fun farewell(name: String) {
  sayings += "Farewell $name"
}

private val sayings: MutableList<String> = Collections.synchronizedList(mutableListOf())

private val traceId = ThreadLocal<String>()

class CoroutinesTest : FunSpec({
  lateinit var scope: ExitScope
  lateinit var log: MutableList<String>

  beforeTest {
    scope = ExitScope.create("test")
    log = Collections.synchronizedList(mutableListOf())
    sayings.clear()
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
      scope.registerSuspend(connection::close)
      scope.registerSuspend(block = connection::close)
      scope.unregister(connection::close) shouldBe 2
      scope.size() shouldBe 0
    }

    test("takes every natural form: a reference, a block, a timeout, a name then a timeout as push, named arguments") {
      val connection = Connection(log)
      scope.registerSuspend(connection::close)
      scope.registerSuspend { log += "block" }
      scope.registerSuspend(2.seconds) { log += "timeout" }
      scope.registerSuspend("metrics", 2.seconds) { log += "name and timeout" }
      scope.registerSuspend("named") { log += "name" }
      scope.registerSuspend(timeout = 2.seconds, name = "both") { log += "named arguments" }
      scope.registerSuspend(name = "only a name") { log += "named name" }
      scope.run()
      log shouldContainExactly
        listOf("named name", "named arguments", "name", "name and timeout", "timeout", "block", "suspend close")
    }

    test("keeps a suspend reference with a result as the key") {
      val connection = Connection(log)
      scope.registerSuspend(connection::flush) shouldBe connection::flush
      scope.unregister(connection::flush) shouldBe 1
    }

    test("within its timeout, exitTimeLeft never exceeds what is left of it, on any thread its coroutine runs on") {
      scope.registerSuspend(timeout = 1.seconds) {
        log += "handler thread ${exitTimeLeft() <= 1.seconds}"
        withContext(Dispatchers.IO) { log += "IO thread ${exitTimeLeft() <= 1.seconds}" }
        delay(exitTimeLeft() - 200.milliseconds) // waiting that long does not time out
        log += "waited"
      }
      scope.run()
      log shouldContainExactly listOf("handler thread true", "IO thread true", "waited")
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
    test("keeps a reference with a result as the key: registerFunction(file::delete), unregister(file::delete)") {
      val file = File.createTempFile("exitscope", ".tmp")
      try {
        scope.registerFunction(file::delete)
        scope.unregister(file::delete) shouldBe 1
        scope.registerFunction(file::delete)
        scope.run()
        file.exists() shouldBe false
      } finally {
        file.delete()
      }
    }

    test("runs a function with its arguments, as Python's register(goodbye, 'Donny', 'nice')") {
      scope.registerFunction(::goodbye, "Donny", "nice")
      scope.registerFunction(::farewell, "Ann")
      scope.run()
      sayings shouldContainExactly listOf("Farewell Ann", "Goodbye Donny, it was nice to meet you.")
    }

    test("lets unregister(::f) remove every registration of f, whatever its arguments, as Python's") {
      scope.registerFunction(::goodbye, "Donny", "nice") shouldBe ::goodbye
      scope.registerFunction(::goodbye, "Walter", "a pleasure")
      scope.registerFunction(::farewell, "Ann")
      scope.unregister(::goodbye) shouldBe 2
      scope.unregister(::farewell) shouldBe 1
      scope.size() shouldBe 0
    }

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

    test("is named by the given name, else by the scope's CoroutineName") {
      val app = CoroutineScope(Job() + CoroutineName("records"))
      scope.cancelAndJoinAtExit(app).toString() shouldContain "cancelAndJoin records"
      scope.cancelAndJoinAtExit(app, name = "stop the app").toString() shouldContain "stop the app"
      app.coroutineContext[Job]!!.cancel()
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

    test("runs suspend handlers in the caller's context, CoroutineName and thread-context elements included, plus NonCancellable") {
      runBlocking(CoroutineName("caller") + traceId.asContextElement("trace-1")) {
        val ready = CompletableDeferred<Unit>()
        val caller =
          launch {
            exitScope {
              registerSuspend {
                delay(1) // suspends although the caller is cancelled
                log += "${currentCoroutineContext()[CoroutineName]?.name} ${traceId.get()} active=${currentCoroutineContext().isActive}"
              }
              ready.complete(Unit)
              awaitCancellation()
            }
          }
        ready.await()
        caller.cancelAndJoin()
      }
      log shouldContainExactly listOf("caller trace-1 active=true")
    }

    test("never runs blocking handlers on the caller's dispatcher; suspend handlers run on it") {
      val executor = Executors.newSingleThreadExecutor { Thread(it, "caller-thread") }
      try {
        runBlocking(executor.asCoroutineDispatcher()) {
          exitScope {
            // startsWith: in kotlinx's debug mode (tests run with -ea) thread names carry the coroutine's.
            register { log += "blocking on ${Thread.currentThread().name.startsWith("caller-thread")}" }
            registerSuspend { log += "suspend on ${Thread.currentThread().name.startsWith("caller-thread")}" }
          }
        }
      } finally {
        executor.shutdown()
      }
      log shouldContainExactly listOf("suspend on true", "blocking on false")
    }

    test("throws a handler's IOException as itself, not wrapped, the earlier failures suppressed") {
      val failure =
        shouldThrow<IOException> {
          exitScope {
            register { throw IOException("older handler failed") }
            registerSuspend { throw IOException("newer handler failed") }
          }
        }
      // In kotlinx's debug mode (tests run with -ea) withContext rethrows a copy whose cause is the original.
      val original = failure.cause?.takeIf { it.javaClass == failure.javaClass && it.message == failure.message } ?: failure
      original.message shouldBe "older handler failed"
      original.suppressed.map { it.javaClass to it.message } shouldContainExactly
        listOf(IOException::class.java to "newer handler failed")
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

    test("exitDeadline is a var: global().exitDeadline = 5.seconds") {
      scope.exitDeadline = 5.seconds
      scope.exitDeadline shouldBe 5.seconds
      scope.deadline shouldBe java.time.Duration.ofSeconds(5)
      shouldThrow<IllegalArgumentException> { scope.exitDeadline = (-1).seconds }.message shouldContain "deadline"
      scope.exitDeadline shouldBe 5.seconds
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
