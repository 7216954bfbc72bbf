// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import dev.exitscope.ktor.GracefulShutdownConfig
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainInOrder
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.io.IOException
import java.net.Socket
import java.nio.charset.StandardCharsets
import kotlin.concurrent.thread
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/** A response as a real HTTP/1.1 client on a raw socket sees it: status and lower-cased headers. */
private data class Response(val status: Int, val headers: Map<String, String>, val body: String)

private fun get(port: Int, path: String, keepAlive: Boolean = false): Response {
  Socket("127.0.0.1", port).use { s ->
    s.soTimeout = 10_000
    val close = if (keepAlive) "" else "Connection: close\r\n"
    s.getOutputStream().write("GET $path HTTP/1.1\r\nHost: 127.0.0.1\r\n$close\r\n".toByteArray(StandardCharsets.US_ASCII))
    val reader = s.getInputStream().bufferedReader(StandardCharsets.US_ASCII)
    val status = reader.readLine()?.split(' ')?.get(1)?.toInt() ?: throw IOException("no response")
    val headers = generateSequence { reader.readLine()?.takeIf { it.isNotEmpty() } }
      .associate { it.substringBefore(':').lowercase() to it.substringAfter(':').trim() }
    val length = headers["content-length"]?.toInt() ?: 0
    val body = CharArray(length).also {
      var n = 0
      while (n < length) n += reader.read(it, n, length - n)
    }
    return Response(status, headers, String(body))
  }
}

/** Polls `path` until it answers [status], at most [within]; returns the response. */
private fun awaitStatus(port: Int, path: String, status: Int, within: kotlin.time.Duration = 3.seconds): Response {
  val until = TimeSource.Monotonic.markNow() + within
  while (true) {
    val r = get(port, path)
    if (r.status == status || until.hasPassedNow()) return r
    Thread.sleep(5)
  }
}

private fun start(how: String, vararg opts: String, jvmArgs: List<String> = emptyList()): Pair<ChildJvm, Int> {
  val child = ChildJvm(how, *opts, jvmArgs = jvmArgs, mainClass = KtorMain::class.java.name)
  var port = 0
  child.awaitLine(what = "its port") { line -> line.startsWith("port ").also { if (it) port = line.substring(5).toInt() } }
  return child to port
}

/**
 * exitscope-ktor with a real Ktor CIO server in a child JVM, a real signal and a real HTTP client:
 * readiness, pre-wait, drain and the order of the exit, from a plain `main` and from `suspendApp`,
 * whatever Ktor's own hook would do.
 */
class KtorAtExitTest : FunSpec({
  val deadline = listOf("-Dexitscope.deadline=10s")

  // (how the server is started, extra options, JVM arguments)
  listOf(
    Triple("main", emptyList(), deadline),
    Triple("main", emptyList(), deadline + "-Dio.ktor.server.engine.ShutdownHook=true"),
    Triple("main", listOf("ktorFirst=true"), deadline),
    Triple("suspend-serve", emptyList(), deadline),
    Triple("suspend-atexit", emptyList(), deadline),
  ).forEach { (how, extra, jvmArgs) ->
    test("$how ${extra + jvmArgs.drop(1)}: at SIGTERM readiness turns 503 while / still answers, asking to close; a slow request in flight at the stop completes; the pool closes after the server") {
      val (child, port) = start(how, "preWait=1500", "grace=3000", "timeout=4000", *extra.toTypedArray(), jvmArgs = jvmArgs)
      get(port, "/ready").status shouldBe 200
      get(port, "/", keepAlive = true).headers["connection"] shouldBe null
      child.signal("TERM")
      awaitStatus(port, "/ready", 503).status shouldBe 503
      val during = get(port, "/", keepAlive = true)
      during.status shouldBe 200
      during.headers["connection"] shouldBe "close"
      var slow: Response? = null
      val client = thread { slow = get(port, "/slow?ms=2000") } // in flight when the stop begins at 1.5 s
      val r = child.await(30.seconds)
      client.join(10_000)
      slow?.status shouldBe 200
      slow?.body shouldBe "ok slow\n"
      r.exitCode shouldBe 143
      if (how != "suspend-serve") r.lines.first { it.startsWith("newer handler") } shouldContain "ktor hook alive: false"
      r.lines.filter { !it.startsWith("port") }.map { it.substringBefore(';') } shouldContainInOrder
        listOf("request /slow ended", "server stopped", "pool closed")
      if (how != "suspend-serve") r.lines.map { it.substringBefore(';') } shouldContainInOrder listOf("newer handler", "server stopped")
      r.stderr shouldNotContain "Exception ignored"
    }
  }

  test("a stop that hangs is abandoned at its timeout and the older handlers still run") {
    val (child, _) = start("main", "preWait=200", "grace=300", "timeout=500", "hang=true", jvmArgs = deadline)
    child.signal("TERM")
    val r = child.await(30.seconds)
    r.exitCode shouldBe 143
    r.lines.map { it.substringBefore(';') } shouldContainInOrder listOf("newer handler", "server stopped", "pool closed")
    r.stderr shouldContain "ktor server"
    r.stderr shouldContain "timed out"
    r.took shouldBeLessThan 9.seconds // abandoned at preWait + timeout + 1 s, long before the 10 s deadline
  }

  test("a deadline shorter than preWait + grace bounds everything, and the pool still closes") {
    val (child, port) = start("main", "preWait=5000", "grace=5000", "timeout=5000", jvmArgs = listOf("-Dexitscope.deadline=2s"))
    val slow = thread { runCatching { get(port, "/slow?ms=8000") } }
    Thread.sleep(200)
    val signalled = TimeSource.Monotonic.markNow()
    child.signal("TERM")
    val r = child.await(30.seconds)
    val took = signalled.elapsedNow()
    slow.join(10_000)
    r.exitCode shouldBe 143
    r.lines.map { it.substringBefore(';') } shouldContainInOrder listOf("newer handler", "server stopped", "pool closed")
    took shouldBeLessThan 3500.milliseconds // the 2 s deadline, with room for a loaded machine's JVM exit
    r.stderr shouldNotContain "skipped"
  }

  test("bad settings are refused with the setting's name, and the setting keeps its value") {
    val c = GracefulShutdownConfig()
    shouldThrow<IllegalArgumentException> { c.preWait = (-1).seconds }.message shouldContain "preWait"
    shouldThrow<IllegalArgumentException> { c.timeout = kotlin.time.Duration.ZERO }.message shouldContain "timeout"
    shouldThrow<IllegalArgumentException> { c.gracePeriod = kotlin.time.Duration.INFINITE }.message shouldContain "gracePeriod"
    shouldThrow<IllegalArgumentException> { c.readinessPath = "ready" }.message shouldContain "readinessPath"
    c.preWait shouldBe 5.seconds
    c.timeout shouldBe null
    c.readinessPath shouldBe "/ready"
  }
})
