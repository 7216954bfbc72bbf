// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitHandler
import dev.exitscope.ExitHandler1
import dev.exitscope.ExitHandler2
import dev.exitscope.ExitHandlerException
import dev.exitscope.ExitScope
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.io.IOException
import java.time.Duration
import kotlin.random.asKotlinRandom

/** A handler with value equality, like a Python bound method: two instances for one key are equal. */
private data class Say(val log: MutableList<String>, val word: String) : ExitHandler {
  override fun run() {
    log += word
  }
}

/** As [Say], with one hash code for every instance: every registration shares one hash bucket. */
private data class SameHash(val log: MutableList<String>, val word: String) : ExitHandler {
  override fun run() {
    log += word
  }

  override fun hashCode() = 0

  override fun equals(other: Any?) = other is SameHash && other.word == word
}

class ExitScopeTest : FunSpec({
  val log = mutableListOf<String>()
  lateinit var scope: ExitScope
  beforeTest {
    log.clear()
    scope = ExitScope.create("test")
  }

  context("register") {
    test("runs handlers newest first") {
      scope.register { log += "A" }
      scope.register { log += "B" }
      scope.register { log += "C" }
      scope.run()
      log shouldContainExactly listOf("C", "B", "A")
    }

    test("passes the arguments given at registration") {
      scope.register(ExitHandler1<String> { log += "one $it" }, "x")
      scope.register(ExitHandler2<String, Int> { a, b -> log += "two $a $b" }, "y", 2)
      scope.register(ExitHandler1<String?> { log += "null $it" }, null)
      scope.run()
      log shouldContainExactly listOf("null null", "two y 2", "one x")
    }

    test("returns the handler itself, so that unregister works for a lambda") {
      val h = ExitHandler { log += "h" }
      scope.register(h) shouldBeSameInstanceAs h
      scope.unregister(h) shouldBe 1
      scope.run()
      log.shouldBeEmpty()
    }

    test("runs every registration of a handler registered many times") {
      val h = ExitHandler { log += "h" }
      repeat(128) { scope.register(h) }
      scope.size() shouldBe 128
      scope.run()
      log.size shouldBe 128
    }

    test("while running, makes the new handler run next in the same run") {
      scope.register { log += "old" }
      scope.register {
        log += "first"
        scope.register { log += "added during the run" }
      }
      scope.run()
      log shouldContainExactly listOf("first", "added during the run", "old")
    }

    // Issue 18's seeded bug: only a plain register was tested, so a registration of another kind
    // made during a run could run last without a test noticing.
    for (how in listOf("push", "push with a name", "register with an argument", "register with two arguments", "closing")) {
      test("while running, makes a registration made with $how run next in the same run") {
        scope.register { log += "old" }
        scope.register {
          log += "first"
          when (how) {
            "push" -> scope.push { log += "added during the run" }
            "push with a name" -> scope.push("added", Duration.ofSeconds(1)) { log += "added during the run" }
            "register with an argument" -> scope.register(ExitHandler1<String> { log += it }, "added during the run")
            "register with two arguments" -> scope.register(ExitHandler2<String, String> { a, b -> log += "$a $b" }, "added during", "the run")
            "closing" -> scope.closing(AutoCloseable { log += "added during the run" })
          }
        }
        scope.run()
        log shouldContainExactly listOf("first", "added during the run", "old")
      }
    }
  }

  context("unregister") {
    test("removes every registration equal to the handler, whatever its arguments") {
      val h = ExitHandler1<String> { log += it }
      scope.register(h, "a")
      scope.register { log += "kept" }
      scope.register(h, "b")
      scope.unregister(h) shouldBe 2
      scope.run()
      log shouldContainExactly listOf("kept")
    }

    test("compares by equals, like Python's ==, not by identity") {
      scope.register(Say(log, "bound method"))
      scope.register(Say(log, "other"))
      scope.unregister(Say(log, "bound method")) shouldBe 1
      scope.run()
      log shouldContainExactly listOf("other")
    }

    test("returns 0 silently for a handler never registered") {
      scope.unregister(ExitHandler {}) shouldBe 0
      scope.unregister("not even a handler") shouldBe 0
    }

    test("removes nothing and propagates when equals throws") {
      val boom = object : ExitHandler {
        override fun run() {
          log += "boom ran"
        }

        override fun equals(other: Any?): Boolean = throw IllegalStateException("equals failed")

        override fun hashCode(): Int = 42
      }
      scope.register(boom)
      val e = shouldThrow<IllegalStateException> { scope.unregister(Key(42)) }
      e.message shouldBe "equals failed"
      scope.size() shouldBe 1
      scope.run()
      log shouldContainExactly listOf("boom ran")
    }

    test("stays consistent when equals calls back into the scope") {
      val reentrant = object : ExitHandler {
        override fun run() {
          log += "reentrant"
        }

        override fun equals(other: Any?): Boolean {
          scope.register { log += "registered from equals" }
          scope.unregister(Key(-1))
          return other === this || other == Key(7)
        }

        override fun hashCode(): Int = 7
      }
      scope.register(reentrant)
      scope.unregister(Key(7)) shouldBe 1
      scope.run()
      log shouldContainExactly listOf("registered from equals")
    }

    test("during a run, skips a handler not yet run and returns normally") {
      val later = ExitHandler { log += "later" }
      scope.register(later)
      scope.register {
        log += "first"
        scope.unregister(later) shouldBe 1
      }
      scope.run()
      log shouldContainExactly listOf("first")
    }

    test("lets a handler unregister itself and raise; the others still run") {
      lateinit var self: ExitHandler
      self = ExitHandler {
        scope.unregister(self)
        throw IllegalArgumentException("raised after unregistering itself")
      }
      scope.register { log += "older" }
      scope.register(self)
      val e = shouldThrow<IllegalArgumentException> { scope.run() }
      e.message shouldBe "raised after unregistering itself"
      log shouldContainExactly listOf("older")
    }
  }

  context("push") {
    test("returns a handle that removes exactly that one registration") {
      val h = ExitHandler { log += "h" }
      scope.register(h)
      val r = scope.push(h)
      scope.register(h)
      r.unregister() shouldBe true
      r.unregister() shouldBe false
      scope.size() shouldBe 2
    }

    test("returns a handle that no longer removes anything once the handler ran") {
      val r = scope.push { log += "ran" }
      scope.run()
      r.unregister() shouldBe false
      log shouldContainExactly listOf("ran")
    }

    test("names a handler for reports and rejects a non-positive timeout, registering nothing") {
      scope.push("flush db") {}.toString() shouldContain "flush db"
      shouldThrow<IllegalArgumentException> { scope.push("x", Duration.ZERO) {} }.message shouldContain "timeout"
      shouldThrow<IllegalArgumentException> { scope.push("x", Duration.ofSeconds(-1)) {} }
      scope.size() shouldBe 1
    }
  }

  context("run") {
    test("empties the scope and leaves it open for later registrations") {
      scope.register { log += "first run" }
      scope.run()
      scope.size() shouldBe 0
      scope.isClosed shouldBe false
      scope.register { log += "second run" }
      scope.run()
      log shouldContainExactly listOf("first run", "second run")
    }

    test("runs every handler when earlier ones fail, then throws the last failure with the earlier suppressed") {
      scope.register { log += "oldest" }
      scope.register { throw IllegalStateException("second") }
      scope.register { throw UnsupportedOperationException("first") }
      val e = shouldThrow<IllegalStateException> { scope.run() }
      e.message shouldBe "second"
      e.suppressed.map { it.message } shouldContainExactly listOf("first")
      log shouldContainExactly listOf("oldest")
      scope.size() shouldBe 0
    }

    test("wraps a checked exception, keeping it as the cause") {
      scope.register { throw IOException("disk gone") }
      val e = shouldThrow<ExitHandlerException> { scope.run() }
      (e.cause is IOException) shouldBe true
      e.message shouldContain "disk gone"
    }

    test("rethrows an error as it is, after running the others") {
      scope.register { log += "older" }
      scope.register { throw StackOverflowError("deep") }
      shouldThrow<StackOverflowError> { scope.run() }
      log shouldContainExactly listOf("older")
    }

    test("reports a run under way to the handlers") {
      scope.register { log += "running=${scope.isRunning}" }
      scope.run()
      scope.isRunning shouldBe false
      log shouldContainExactly listOf("running=true")
    }
  }

  context("close") {
    test("runs the handlers and closes the scope for good") {
      scope.register { log += "ran at close" }
      scope.close()
      scope.isClosed shouldBe true
      log shouldContainExactly listOf("ran at close")
    }

    test("makes a later registration run at once on the caller's thread") {
      scope.close()
      val caller = Thread.currentThread()
      scope.register { log += "ran at once on caller=${Thread.currentThread() === caller}" }
      log shouldContainExactly listOf("ran at once on caller=true")
      scope.size() shouldBe 0
    }

    test("throws the failure of a registration made after closing") {
      scope.close()
      shouldThrow<IllegalStateException> { scope.register { throw IllegalStateException("late") } }
    }

    test("does nothing the second time") {
      scope.register { log += "once" }
      scope.close()
      scope.close()
      log shouldContainExactly listOf("once")
    }

    test("works with use, like try-with-resources") {
      ExitScope.create("local").use { local ->
        local.register { log += "closed by use" }
      }
      log shouldContainExactly listOf("closed by use")
    }
  }

  context("many registrations") {
    for ((hashes, make) in listOf("distinct hashes" to ::Say, "one hash for all" to ::SameHash)) {
      test("removals from anywhere, by handle and by equality, keep newest-first order and the size ($hashes)") {
        // Against a plain list as the model, with enough removals below the top that the scope moves
        // its registrations down over the holes, and enough equal handlers to share hash buckets.
        val random = java.util.Random(14)
        val model = mutableListOf<Pair<String, Any>>() // name, and its handle or its handler
        var next = 0
        repeat(20_000) { step ->
          val name = "h${next++}"
          val removing = step / 2_000 % 2 == 1 // phases of growing, then of mostly removing
          when (if (removing) random.nextInt(4, 12).coerceAtMost(9) else random.nextInt(10)) {
            in 0..3 -> model += name to scope.register(make(log, name))

            in 4..5 -> model += name to scope.push(make(log, name))

            6, 7 -> if (model.isNotEmpty()) { // a handle removes exactly its own registration
              val i = random.nextInt(model.size)
              val (_, key) = model[i]
              if (key is dev.exitscope.Registration) {
                key.unregister() shouldBe true
                key.unregister() shouldBe false
                model.removeAt(i)
              }
            }

            else -> if (model.isNotEmpty()) { // an equal new object removes every equal registration
              val word = model[random.nextInt(model.size)].first
              val removed = model.count { it.first == word }
              scope.unregister(make(log, word)) shouldBe removed
              model.removeAll { it.first == word }
            }
          }
          if (random.nextInt(50) == 0) { // the same handler registered again: one more equal entry
            val word = model.randomOrNull(random.asKotlinRandom())?.first
            if (word != null) model += word to scope.register(make(log, word))
          }
          scope.size() shouldBe model.size
        }
        scope.run()
        log shouldContainExactly model.map { it.first }.reversed()
      }
    }
  }

  context("clear and size") {
    test("clear drops every registration without running it") {
      scope.register { log += "never" }
      val r = scope.push { log += "never either" }
      scope.clear()
      scope.size() shouldBe 0
      r.unregister() shouldBe false
      scope.run()
      log.shouldBeEmpty()
    }

    // Issue 18's seeded bug: clear() keeping the hash index that an unregister had built made the
    // next register + unregister pair remove nothing.
    for (hashes in listOf("distinct hashes", "one hash for all")) {
      test("after clear, registering and unregistering by equality works as on a new scope ($hashes)") {
        fun handler(word: String): ExitHandler = if (hashes == "distinct hashes") Say(log, word) else SameHash(log, word)
        scope.register(handler("a"))
        scope.register(handler("b"))
        scope.unregister(handler("a")) shouldBe 1 // builds the index
        scope.clear()
        scope.register(handler("c"))
        scope.register(handler("d"))
        scope.unregister(handler("c")) shouldBe 1
        scope.unregister(handler("b")) shouldBe 0
        scope.size() shouldBe 1
        scope.run()
        log shouldContainExactly listOf("d")
      }
    }
  }

  context("nesting") {
    test("runs a scope registered in another as one of its handlers, in order") {
      val plugin = ExitScope.create("plugin")
      scope.register { log += "outer old" }
      scope.register(plugin)
      plugin.register { log += "plugin A" }
      plugin.register { log += "plugin B" }
      scope.register { log += "outer new" }
      scope.run()
      log shouldContainExactly listOf("outer new", "plugin B", "plugin A", "outer old")
    }

    test("runs a nested scope's handlers on the caller's thread in an explicit run") {
      val plugin = ExitScope.create("plugin")
      val caller = Thread.currentThread()
      plugin.register { log += "plugin on caller=${Thread.currentThread() === caller}" }
      scope.register(plugin)
      scope.run()
      log shouldContainExactly listOf("plugin on caller=true")
    }

    test("detaches a nested scope with unregister") {
      val plugin = ExitScope.create("plugin")
      plugin.register { log += "plugin" }
      scope.register(plugin)
      scope.unregister(plugin) shouldBe 1
      scope.run()
      log.shouldBeEmpty()
      plugin.toString() shouldBe "ExitScope[plugin]"
    }
  }

  context("closing") {
    test("returns the resource and closes it at its turn, newest first") {
      val resource = AutoCloseable { log += "resource closed" }
      scope.register { log += "older" }
      scope.closing(resource) shouldBeSameInstanceAs resource
      scope.register { log += "newer" }
      scope.run()
      log shouldContainExactly listOf("newer", "resource closed", "older")
    }

    test("is removed by unregister(resource)") {
      val resource = AutoCloseable { log += "never closed" }
      scope.closing(resource)
      scope.unregister(resource) shouldBe 1
      scope.run()
      log.shouldBeEmpty()
    }

    test("closes at once on a closed scope, throwing what close throws") {
      scope.close()
      scope.closing(AutoCloseable { log += "closed at once" })
      log shouldContainExactly listOf("closed at once")
      val late = IOException("late")
      shouldThrow<ExitHandlerException> { scope.closing(AutoCloseable { throw late }) }.cause shouldBeSameInstanceAs late
    }

    test("closes a nested scope, which then runs later registrations at once") {
      val inner = ExitScope.create("inner")
      inner.register { log += "inner handler" }
      scope.closing(inner)
      scope.run()
      inner.isClosed shouldBe true
      inner.register { log += "ran at once" }
      log shouldContainExactly listOf("inner handler", "ran at once")
    }
  }

  context("timeLeft") {
    test("outside a run at exit is a bound every conversion of which is safe") {
      val outside = ExitScope.timeLeft()
      outside.toMillis() shouldBe Long.MAX_VALUE / 1_000_000
      outside.toNanos() shouldBe Long.MAX_VALUE
      scope.register { log += "in an explicit run: ${ExitScope.timeLeft().toMillis() == outside.toMillis()}" }
      scope.run()
      log shouldContainExactly listOf("in an explicit run: true")
    }

    test("with a reserve is never negative, and rejects a negative reserve") {
      ExitScope.timeLeft(Duration.ofSeconds(1)) shouldBe ExitScope.timeLeft().minusSeconds(1)
      shouldThrow<IllegalArgumentException> { ExitScope.timeLeft(Duration.ofMillis(-1)) }.message shouldContain "reserve"
    }
  }

  context("bad input") {
    test("the class files keep parameter names, so Kotlin and IDEs show them") {
      // In a child JVM: in this one, Lincheck's agent may have rewritten the class without them.
      ChildJvm.run("parameter-names").lines shouldContainExactly listOf("handler, a, b", "name, timeout, handler")
    }

    test("setDeadline rejects zero and negative durations and keeps the old one") {
      scope.setDeadline(Duration.ofSeconds(5))
      shouldThrow<IllegalArgumentException> { scope.setDeadline(Duration.ZERO) }.message shouldContain "deadline"
      shouldThrow<IllegalArgumentException> { scope.setDeadline(Duration.ofMillis(-1)) }
      scope.deadline shouldBe Duration.ofSeconds(5)
    }
  }
})

/** An object equal to handlers that say so, with a chosen hash. */
private data class Key(val hash: Int) {
  override fun hashCode(): Int = hash
}
