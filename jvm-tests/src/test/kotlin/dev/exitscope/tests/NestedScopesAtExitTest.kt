// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlin.time.Duration.Companion.seconds

private fun run(scenario: String, vararg jvmArgs: String) = ChildJvm.run(scenario, jvmArgs = jvmArgs.toList(), mainClass = ScopePrograms::class.java.name)

/** A scope registered in `global()` runs at exit as steps of the global run: real JVMs, real exits. */
class NestedScopesAtExitTest : FunSpec({
  test("a nested handler's own timeout applies at exit; the rest of both scopes run") {
    val r = run("nested-timeout")
    r.exitCode shouldBe 0
    r.lines shouldContainExactly listOf("global newest", "plugin newest", "plugin oldest", "global oldest")
    r.stderr shouldContain "Exit handler plugin/flush timed out after"
    r.took shouldBeLessThan 10.seconds
  }

  test("a nested handler calling System.exit is abandoned alone; the status is kept") {
    val r = run("nested-exit")
    r.exitCode shouldBe 3
    r.lines shouldContainExactly listOf("global newest", "plugin newest", "plugin older still runs", "global oldest")
    r.stderr shouldContain "Exit handler plugin/calls exit called System.exit during the exit"
    r.took shouldBeLessThan 10.seconds
  }

  test("at the deadline, handlers of scopes nested twice are named by their path") {
    val r = run("nested-twice-deadline", "-Dexitscope.deadline=PT1S")
    r.exitCode shouldBe 0
    r.lines shouldContainExactly listOf("global newest")
    r.stderr shouldContain "Exit handler plugin/sub/hangs timed out after"
    // One line per scope path (issue 18): the global scope's own on the first.
    r.stderr shouldContain "Exit deadline of global reached; 3 exit handler(s) did not run: c\n  plugin/sub/a\n  plugin/b\n"
    r.took shouldBeLessThan 10.seconds
  }

  test("a scope pushed with a timeout is bounded by it: the rest of it is skipped and named, the outer goes on") {
    val r = run("nested-pushed-timeout")
    r.exitCode shouldBe 0
    r.lines shouldContainExactly listOf("global older runs")
    r.stderr shouldContain "Exit handler plugin/hangs timed out after"
    r.stderr shouldContain "Exit deadline of plugin reached; 1 exit handler(s) did not run: plugin/never"
    r.took shouldBeLessThan 10.seconds
  }

  test("timeLeft() tells a handler its own time and the deadline, and a reserve leaves room for its fallback") {
    val r = run("time-left", "-Dexitscope.deadline=PT5S")
    r.exitCode shouldBe 0
    r.lines shouldContainExactly
      listOf("deadline left: true", "left within the timeout: true", "fallback ran within the reserve", "older runs")
    r.stderr shouldNotContain "timed out"
  }
})
