// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package io.kotest.provided

import io.kotest.core.extensions.TestCaseExtension
import io.kotest.core.test.TestCase
import io.kotest.core.test.TestType
import io.kotest.engine.test.TestResult
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Job
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import java.util.concurrent.TimeoutException
import kotlin.coroutines.ContinuationInterceptor
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes
import kotlin.time.TimeSource

/**
 * Fails a leaf test that is still running after [DEFAULT_BOUND] (or its own, longer, `timeout`
 * config), even one blocked in code that ignores interrupts: kotest's own timeouts only take effect
 * when the test suspends or, with `blockingTest`, answers an interrupt, so a test stuck on a monitor
 * or in an unbounded `join` would hold the build until surefire kills the fork.
 *
 * The test runs on a daemon thread of its own; past its bound the thread is interrupted, its stack
 * reported as the test's error, and it is abandoned, so that the next tests run.
 */
object HangGuard : TestCaseExtension {
  val DEFAULT_BOUND: Duration = 2.minutes

  override suspend fun intercept(testCase: TestCase, execute: suspend (TestCase) -> TestResult): TestResult {
    if (testCase.type != TestType.Test) return execute(testCase)
    val bound = maxOf(DEFAULT_BOUND, testCase.config?.timeout ?: Duration.ZERO)
    val context = currentCoroutineContext().minusKey(Job).minusKey(ContinuationInterceptor)
    val result = CompletableDeferred<TestResult>()
    val runner =
      Thread({
        try {
          result.complete(runBlocking(context) { execute(testCase) })
        } catch (t: Throwable) {
          result.completeExceptionally(t)
        }
      }, "bounded test: ${testCase.name.name}")
    runner.isDaemon = true
    val start = TimeSource.Monotonic.markNow()
    runner.start()
    return withTimeoutOrNull(bound) { result.await() } ?: hung(runner, bound, start.elapsedNow())
  }

  private fun hung(runner: Thread, bound: Duration, took: Duration): TestResult {
    val stack = runner.stackTrace
    runner.interrupt()
    val failure = TimeoutException("still running after $bound (HangGuard): abandoned, stuck at the stack below")
    failure.stackTrace = stack
    return TestResult.Error(took, failure)
  }
}
