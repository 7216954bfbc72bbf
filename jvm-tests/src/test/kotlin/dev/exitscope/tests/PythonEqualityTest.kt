// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ExitHandler
import dev.exitscope.ExitHandler1
import dev.exitscope.ExitScope
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import java.util.Collections
import kotlin.concurrent.thread

/** A registered handler whose equals does [action] when compared, then answers [answer]. */
private class EvilHandler(
  private val log: MutableList<String>,
  private val answer: Boolean,
  private val action: (EvilHandler) -> Unit,
) : ExitHandler {
  override fun run() {
    log += "evil ran"
  }

  override fun equals(other: Any?): Boolean {
    if (other === this) return true
    action(this)
    return answer
  }

  override fun hashCode(): Int = 7
}

/** A key that recognises the handlers it names, as Java's `Collection.remove(o)` asks `o.equals(e)`. */
private class KeyFor(private val handlers: Set<Any>, private val hash: Int) {
  override fun equals(other: Any?): Boolean = other != null && handlers.any { it === other }

  override fun hashCode(): Int = hash
}

/**
 * `unregister` matches as Python's `==` does: either side saying equal. The evil `equals` cases are
 * CPython's `_test_atexit.py` `test_eq_unregister_clear` and the crashes behind it (gh-112127,
 * gh-142828, gh-142881), adapted: an `equals` may call back into the scope, throw, or let another
 * thread change it, and the scope stays consistent.
 */
class PythonEqualityTest : FunSpec({
  lateinit var scope: ExitScope
  lateinit var log: MutableList<String>
  beforeTest {
    scope = ExitScope.create("eq")
    log = Collections.synchronizedList(mutableListOf())
  }

  context("either side's equals") {
    test("a key whose equals recognises a registered handler removes it, as Collection.remove does") {
      val h = ExitHandler { log += "h" }
      scope.register(h)
      scope.register { log += "kept" }
      scope.unregister(KeyFor(setOf(h), h.hashCode())) shouldBe 1
      scope.run()
      log shouldContainExactly listOf("kept")
    }

    test("a registered handler whose equals recognises the key removes it, as CPython asks") {
      scope.register(Said("bound method"))
      scope.register(Said("other"))
      scope.unregister(Said("bound method")) shouldBe 1
      scope.size() shouldBe 1
    }

    test("a key's equals is asked only of the handlers with its hash: O(1 + matches), not a scan") {
      val asked = mutableListOf<Any?>()
      val handlers = List(1000) { i -> ExitHandler { log += "$i" } }
      handlers.forEach { scope.register(it) }
      val key =
        object {
          override fun equals(other: Any?): Boolean {
            asked += other
            return other === handlers[500]
          }

          override fun hashCode(): Int = handlers[500].hashCode()
        }
      scope.unregister(key) shouldBe 1
      asked.size shouldBe 1
    }

    test("removes registrations made with arguments when the key recognises the handler") {
      val h = ExitHandler1<String> { log += it }
      scope.register(h, "a")
      scope.register(h, "b")
      scope.unregister(KeyFor(setOf(h), h.hashCode())) shouldBe 2
    }
  }

  context("an equals that calls back into the scope (CPython gh-112127, test_eq_unregister_clear)") {
    for (answer in listOf(false, true)) {
      test("unregistering itself from its equals and answering $answer removes it once, without corruption") {
        scope.register { log += "older" }
        scope.register(EvilHandler(log, answer) { scope.unregister(it) })
        scope.unregister(HashKey(7))
        scope.size() shouldBe 1
        scope.run()
        log shouldContainExactly listOf("older")
      }

      test("clearing the scope from its equals and answering $answer leaves it empty and usable") {
        scope.register { log += "cleared" }
        scope.register(EvilHandler(log, answer) { scope.clear() })
        scope.unregister(HashKey(7)) shouldBe 0
        scope.size() shouldBe 0
        scope.register { log += "registered afterwards" }
        scope.run()
        log shouldContainExactly listOf("registered afterwards")
      }
    }

    test("a key whose equals clears the scope removes nothing else and leaves it empty (gh-142828)") {
      scope.register(Said("a"))
      scope.register(Said("b"))
      val evilKey =
        object {
          override fun equals(other: Any?): Boolean {
            scope.clear()
            return false
          }

          override fun hashCode(): Int = Said("a").hashCode()
        }
      scope.unregister(evilKey) shouldBe 0
      scope.size() shouldBe 0
      scope.run()
      log.shouldBeEmpty()
    }

    test("another thread removing a registration while equals runs never makes the wrong one go (gh-142881)") {
      val other = scope.push { log += "removed by the other thread" }
      scope.register { log += "kept" }
      scope.register(
        EvilHandler(log, answer = true) {
          thread { other.unregister() }.join()
        },
      )
      scope.unregister(HashKey(7)) shouldBe 1
      scope.run()
      log shouldContainExactly listOf("kept")
    }
  }

  context("the hash index") {
    test("is built by the first unregister, hashing each handler once; later pushes hash as they come") {
      val hashed = mutableListOf<String>()
      class Counted(val name: String) : ExitHandler {
        override fun run() {}

        override fun hashCode(): Int {
          hashed += name
          return name.length
        }
      }
      scope.register(Counted("a"))
      scope.register(Counted("bb"))
      hashed.shouldBeEmpty()
      scope.unregister(HashKey(99)) shouldBe 0
      hashed.sorted() shouldContainExactly listOf("a", "bb")
      scope.register(Counted("ccc"))
      scope.unregister(HashKey(98)) shouldBe 0
      hashed.sorted() shouldContainExactly listOf("a", "bb", "ccc")
    }

    test("a registered handler whose hashCode throws is still registered, found by identity, and blames nobody") {
      val broken =
        object : ExitHandler {
          override fun run() {
            log += "broken ran"
          }

          override fun hashCode(): Int = throw IllegalStateException("no hash")
        }
      scope.register(broken)
      scope.register(Said("a"))
      scope.unregister(Said("a")) shouldBe 1
      scope.register(broken)
      scope.size() shouldBe 2
      scope.run()
      log shouldContainExactly listOf("broken ran", "broken ran")
    }
  }

  context("an equals or hashCode that throws") {
    test("a key whose equals throws removes nothing and the exception propagates") {
      scope.register(Said("a"))
      val key =
        object {
          override fun equals(other: Any?): Boolean = throw IllegalStateException("key equals failed")

          override fun hashCode(): Int = Said("a").hashCode()
        }
      shouldThrow<IllegalStateException> { scope.unregister(key) }.message shouldBe "key equals failed"
      scope.size() shouldBe 1
    }

    test("a key whose hashCode throws removes nothing and the exception propagates") {
      scope.register(Said("a"))
      val key =
        object {
          override fun hashCode(): Int = throw UnsupportedOperationException("no hash")
        }
      shouldThrow<UnsupportedOperationException> { scope.unregister(key) }
      scope.size() shouldBe 1
    }

    test("an equals throwing among several candidates removes none of them") {
      scope.register(Said("a"))
      scope.register(
        object : ExitHandler {
          override fun run() {}

          override fun equals(other: Any?): Boolean = throw IllegalStateException("second equals")

          override fun hashCode(): Int = Said("a").hashCode()
        },
      )
      shouldThrow<IllegalStateException> { scope.unregister(Said("a")) }
      scope.size() shouldBe 2
    }
  }
})

/** A handler with value equality, as a Python bound method has. */
private data class Said(val word: String) : ExitHandler {
  override fun run() {}
}

/** Equal to nothing but an equal key; the hash chosen. */
private data class HashKey(val hash: Int) {
  override fun hashCode(): Int = hash
}
