// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitHandler
import dev.exitscope.ExitScope
import dev.exitscope.Registration
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.shouldBe
import java.util.Collections
import java.util.concurrent.CyclicBarrier
import kotlin.concurrent.thread

/** A request's resource: identity equality, as a stream or a channel has. */
private class Resource(private val log: MutableList<String>, val name: String) : AutoCloseable {
  override fun close() {
    log += name
  }
}

/** Equal by word, one hash code for every instance (a common mistake); [onEquals] runs first. */
private class OneHash(
  private val log: MutableList<String>,
  val word: String,
  private val onEquals: () -> Unit = {},
) : ExitHandler {
  override fun run() {
    log += word
  }

  override fun equals(other: Any?): Boolean {
    onEquals()
    return other is OneHash && other.word == word
  }

  override fun hashCode() = 1
}

/**
 * Services register per request (`closing(resource)`) and unregister when the request ends
 * normally, so a scope sees registrations come and go for its whole life, often with many handlers
 * of one hash code. These tests drive the scope's storage through what that does to it: removals of
 * the oldest and from anywhere, the entries moved down as pushes need room, emptied and filled
 * again, one hash shared by hundreds, user `equals` that calls back while hundreds are compared,
 * and several threads at once; each checks the handlers left, their order and the counts.
 */
class RegistrationChurnTest : FunSpec({
  lateinit var scope: ExitScope
  lateinit var log: MutableList<String>
  beforeTest {
    scope = ExitScope.create("churn")
    log = Collections.synchronizedList(mutableListOf())
  }

  context("requests that come and go") {
    for (removal in listOf("the oldest", "a random one")) {
      test("closing then unregister, $removal removed each time, keeps the others newest first") {
        val random = java.util.Random(21)
        val live = mutableListOf<Resource>()
        repeat(50) { live += scope.closing(Resource(log, "r$it")) }
        repeat(20_000) { step ->
          val added = scope.closing(Resource(log, "r${50 + step}"))
          val victim = live.removeAt(if (removal == "the oldest") 0 else random.nextInt(live.size))
          scope.unregister(victim) shouldBe 1
          live += added
        }
        scope.size() shouldBe 50
        log.shouldBeEmpty()
        scope.run()
        log shouldContainExactly live.reversed().map { it.name }
      }
    }

    test("a scope emptied by unregistering thousands is usable again, and old handles remove nothing") {
      val handles = List(3_000) { scope.push(OneHash(log, "old$it")) }
      repeat(3_000) { scope.unregister(OneHash(log, "old$it")) shouldBe 1 }
      scope.size() shouldBe 0
      handles.forEach { it.unregister() shouldBe false }
      val kept = scope.push(OneHash(log, "new0"))
      scope.register(OneHash(log, "new1"))
      scope.unregister(OneHash(log, "old7")) shouldBe 0
      handles[7].unregister() shouldBe false
      kept.unregister() shouldBe true
      scope.run()
      log shouldContainExactly listOf("new1")
    }
  }

  context("hundreds of handlers with one hash code") {
    test("unregistering a registered object removes each registration of it and of its equals, no other") {
      val target = OneHash(log, "w")
      repeat(300) { scope.register(OneHash(log, "other$it")) }
      scope.register(target)
      scope.register(OneHash(log, "w")) // equal, another object
      scope.register(target)
      repeat(300) { scope.register(OneHash(log, "newer$it")) }
      scope.unregister(target) shouldBe 3
      scope.size() shouldBe 600
      scope.unregister(target) shouldBe 0
    }

    test("an equals that registers an equal handler meanwhile: that one is removed too") {
      var pushedOnce = false
      repeat(300) { i ->
        scope.register(
          OneHash(log, "other$i") {
            if (i == 150 && !pushedOnce) {
              pushedOnce = true
              scope.register(OneHash(log, "w"))
            }
          },
        )
      }
      scope.register(OneHash(log, "w"))
      scope.unregister(OneHash(log, "w")) shouldBe 2
      pushedOnce shouldBe true
      scope.size() shouldBe 300
    }

    test("an equals that clears the scope meanwhile leaves it empty and usable") {
      repeat(300) { i -> scope.register(OneHash(log, "other$i") { if (i == 100) scope.clear() }) }
      scope.register(OneHash(log, "w"))
      scope.unregister(OneHash(log, "w")) shouldBe 0
      scope.size() shouldBe 0
      scope.register(OneHash(log, "after"))
      scope.run()
      log shouldContainExactly listOf("after")
    }

    test("an equals that unregisters others meanwhile removes only what is equal, once") {
      val doomed = List(50) { scope.push(OneHash(log, "doomed$it")) }
      repeat(300) { i -> scope.register(OneHash(log, "other$i") { if (i == 10) doomed.forEach { it.unregister() } }) }
      scope.register(OneHash(log, "w"))
      scope.unregister(OneHash(log, "w")) shouldBe 1
      scope.size() shouldBe 300
    }
  }

  context("from several threads at once") {
    test("registering and unregistering handlers of one hash code loses none and runs none twice") {
      val threads = 4
      val perThread = 3_000
      val start = CyclicBarrier(threads)
      val kept = Array(threads) { mutableListOf<String>() }
      val failures = Collections.synchronizedList(mutableListOf<Throwable>())
      List(threads) { t ->
        thread {
          try {
            val random = java.util.Random(t.toLong())
            val mine = mutableListOf<Pair<String, Registration?>>()
            start.await()
            repeat(perThread) { i ->
              val word = "t$t-$i"
              mine += word to if (random.nextInt(4) == 0) scope.push(OneHash(log, word)) else scope.register(OneHash(log, word)).let { null }
              if (mine.size > 20 || random.nextInt(3) == 0) { // remove one of this thread's own
                val (w, handle) = mine.removeAt(random.nextInt(mine.size))
                if (handle != null && random.nextBoolean()) {
                  check(handle.unregister()) { "handle of $w removed nothing" }
                } else {
                  check(scope.unregister(OneHash(log, w)) == 1) { "unregister($w) did not remove one" }
                }
              }
            }
            kept[t] += mine.map { it.first }
          } catch (e: Throwable) {
            failures += e
          }
        }
      }.forEach { it.join() }
      failures.shouldBeEmpty()
      scope.size() shouldBe kept.sumOf { it.size }
      scope.run()
      log shouldContainExactlyInAnyOrder kept.flatMap { it }
      for (t in 0 until threads) {
        log.filter { it.startsWith("t$t-") } shouldContainExactly kept[t].reversed() // newest first
      }
    }
  }
})
