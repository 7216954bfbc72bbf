// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain

/** The three handlers of [ChildMain.registerThree], as they run at exit: newest first, the failing one reported. */
private val threeRan = listOf("handler 3 (newest)", "handler 1 (oldest)")

private fun ChildResult.shouldHaveRunThree() {
  lines.filter { it.startsWith("handler") } shouldContainExactly threeRan
  stdout shouldNotContain "never printed"
  stderr shouldContain "Exception ignored in exit handler lambda in dev.exitscope.tests.ChildMain"
  stderr shouldContain "java.lang.IllegalStateException: handler 2 failed"
}

/** Real exits of real JVMs: how the process ends decides whether and how the handlers run. */
class ExitTest : FunSpec({
  context("handlers run at exit, newest first, a failure reported and the status kept") {
    test("when main returns") {
      val r = ChildJvm.run("return")
      r.shouldHaveRunThree()
      r.lines.first() shouldBe "main returns"
      r.exitCode shouldBe 0
    }

    test("when System.exit(3) is called, keeping status 3") {
      val r = ChildJvm.run("exit", "3")
      r.shouldHaveRunThree()
      r.exitCode shouldBe 3
    }

    test("when System.exit is called from another thread") {
      val r = ChildJvm.run("exit-from-thread")
      r.shouldHaveRunThree()
      r.exitCode shouldBe 4
    }

    test("when an uncaught exception ends main, with status 1") {
      val r = ChildJvm.run("uncaught")
      r.shouldHaveRunThree()
      r.stderr shouldContain "uncaught in main"
      r.exitCode shouldBe 1
    }

    for ((signal, status) in listOf("INT" to 130, "TERM" to 143, "HUP" to 129)) {
      test("on SIG$signal, with status $status") {
        val child = ChildJvm("wait")
        child.awaitLine("ready")
        child.signal(signal)
        val r = child.await()
        r.shouldHaveRunThree()
        r.exitCode shouldBe status
      }
    }
  }

  context("handlers do not run, as documented") {
    test("on SIGKILL") {
      val child = ChildJvm("wait")
      child.awaitLine("ready")
      child.signal("KILL")
      val r = child.await()
      r.stdout shouldNotContain "handler"
      r.exitCode shouldBe 137
    }

    test("on Runtime.halt") {
      val r = ChildJvm.run("halt")
      r.stdout shouldNotContain "handler"
      r.exitCode shouldBe 7
    }
  }

  context("registering at exit") {
    test("a handler registered by a handler during the exit runs next") {
      ChildJvm.run("register-in-handler").lines shouldContainExactly
        listOf("newest registers another", "registered during the exit, runs next", "oldest")
    }

    test("registrations removed below the top cost the exit one pass, not one a handler") {
      // 300,000 handlers between 299,999 holes: passing the holes again at each handler took
      // 9 * 10^10 steps, far past the child's 10 s deadline; once, a few milliseconds.
      val r = ChildJvm.run("holes")
      r.lines shouldContainExactly listOf("300001 handlers ran before the oldest")
      r.stderr shouldBe ""
    }

    test("a registration after the exit run has closed the scope runs at once") {
      val r = ChildJvm.run("after-exit")
      r.lines shouldContainExactly listOf("handler ran; closed=false", "late registration ran at once")
    }
  }

  test("the AtExit facade reads as Python's atexit module") {
    ChildJvm.run("atexit").lines shouldContainExactly
      listOf("unregistered 1, 2 left", "Goodbye Donny, it was nice to meet you.", "first registered, runs last")
  }
})

/**
 * Proves: with four threads registering, pushing and unregistering while System.exit runs the
 * global scope, every handler whose registration returned and was not unregistered runs exactly
 * once, and none that was unregistered runs. A handler whose unregister was still under way when
 * the JVM halted may have been removed or not: either is right, so it is the one left out. Does not
 * prove linearizability (see the Lincheck test).
 */
class ExitStressTest : FunSpec({
  test("every handler registered and not unregistered runs exactly once while the JVM exits") {
    val r = ChildJvm.run("stress", "20000")
    r.exitCode shouldBe 0
    val byKind = r.lines.groupBy({ it.substringBefore(' ') }, { it.substringAfter(' ') })
    val registered = byKind["registered"].orEmpty().toSet()
    val unregistered = byKind["unregistered"].orEmpty().toSet()
    val cutShort = byKind["unregistering"].orEmpty().toSet() - unregistered - byKind["kept"].orEmpty().toSet()
    val ran = byKind["ran"].orEmpty()
    val ranOnce = ran.toSet()
    ran.size shouldBe ranOnce.size
    (unregistered intersect ranOnce) shouldBe emptySet()
    cutShort.size shouldBeLessThanOrEqual 4 // at most one a thread
    val mustRun = registered - unregistered - cutShort
    (mustRun - ranOnce) shouldBe emptySet()
    mustRun.size shouldBeGreaterThan 100
  }
})
