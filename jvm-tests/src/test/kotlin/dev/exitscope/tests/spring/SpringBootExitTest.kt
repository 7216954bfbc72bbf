// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests.spring

import dev.exitscope.tests.BoundedChild
import dev.exitscope.tests.ExitResult
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.comparables.shouldBeGreaterThan
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.io.IOException
import java.net.ConnectException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/** What SpringExitApp prints at exit, in exitscope's LIFO order across the framework's boundary. */
private val LIFO =
  listOf("exit: main after run", "exit: bean handler", "exit: @PreDestroy", "exit: spring shutdown handler", "exit: main before run")

/** The `exit: …` lines, in the order the child printed them. */
private val ExitResult.steps: List<String> get() = lines.filter { it.startsWith("exit: ") }

private fun ExitResult.shouldHaveEndedOnSigterm() = withClue({ toString() }) { status shouldBe 143 }

/**
 * exitscope-spring-boot in a real Spring Boot application (embedded Tomcat, Actuator) in a child
 * JVM, with real signals and a real HTTP client: the context's close runs at its place in
 * exitscope's LIFO order, bounded, and the pre-wait keeps serving while readiness refuses traffic.
 */
class SpringBootExitTest : FunSpec({
  test("the context closes at its LIFO place: after later handlers, before Spring's shutdown handlers and main's earlier ones") {
    // The system property wins over the Environment's exitscope.deadline.
    val app = SpringChild("--exitscope.deadline=1s", jvmArgs = listOf("-Dexitscope.deadline=5s"))
    app.deadline shouldBe "PT5S"
    app.signal("TERM")
    val r = app.await()
    withClue({ r.toString() }) {
      r.status shouldBe 143
      r.steps shouldContainExactly
        LIFO
      r.stderr shouldNotContain "Exception ignored"
      r.stderr shouldNotContain "timed out"
    }
  }

  test("exitscope.spring.enabled=false gives the exit back to Spring Boot: its own hook still closes the context and runs its handlers") {
    val app = SpringChild("--exitscope.spring.enabled=false")
    app.signal("TERM")
    val r = app.await()
    withClue({ r.toString() }) {
      r.status shouldBe 143
      // Spring Boot's hook runs beside exitscope's, in no order: each step still runs, once.
      r.steps.sorted() shouldContainExactly LIFO.sorted()
      r.stderr shouldNotContain "Exception ignored"
    }
  }

  test("a Spring shutdown handler added after run began makes Spring Boot install its hook: its handlers run once, the context still closes in LIFO order, and the exit says so") {
    val app = SpringChild("--app.late-shutdown-handler=true")
    app.signal("TERM")
    val r = app.await()
    withClue({ r.toString() }) {
      r.status shouldBe 143
      r.steps.filter { !it.contains("spring shutdown handler") } shouldContainExactly
        listOf("exit: main after run", "exit: bean handler", "exit: @PreDestroy", "exit: main before run")
      r.steps.count { it == "exit: spring shutdown handler" } shouldBe 1
      r.steps.count { it == "exit: late spring shutdown handler" } shouldBe 1
      r.stderr shouldContain "Spring Boot's own shutdown hook has run SpringApplication.getShutdownHandlers()"
    }
  }

  test("a @PreDestroy that hangs is reported with its stack at the close timeout, and the handlers registered before run still run") {
    // The deadline comes from the Environment (a command-line property) alone. The close gets 1 s,
    // and the steps after it the 7 s left: a start of the exit delayed on a busy machine cannot
    // eat their time.
    val app = SpringChild("--exitscope.deadline=8s", "--exitscope.spring.close-timeout=1s", "--app.hang-pre-destroy=true")
    app.deadline shouldBe "PT8S"
    app.signal("TERM")
    val r = app.await(30.seconds)
    withClue({ r.toString() }) {
      r.status shouldBe 143
      r.steps shouldContainExactly
        LIFO
      r.stderr shouldContain "Exit handler spring context application timed out after"
      r.stderr shouldContain "hangInPreDestroy"
      r.exitTook shouldBeLessThan 10.seconds
    }
  }

  test("the pre-wait: readiness refuses traffic at once, the server keeps serving with Connection: close, idle connections close at its end, an in-flight request completes") {
    val app =
      SpringChild(
        "--exitscope.spring.pre-wait=3s",
        "--exitscope.deadline=20s",
        "--management.endpoint.health.probes.enabled=true",
      )
    app.get("/actuator/health/readiness").statusCode() shouldBe 200
    val (idle, first) = app.keptAlive()
    first.headers["connection"] shouldBe null // kept alive before the exit
    val slow = app.getAsync("/slow?ms=5000") // outlasts the pre-wait: ends in the graceful drain
    app.awaitLine("slow request started")

    app.signal("TERM")
    // The newest handler runs first, then the pre-wait: from here the exit is under way (a busy
    // machine may take a while to deliver the signal, which this test does not time).
    app.awaitLine("exit: main after run")
    val exiting = TimeSource.Monotonic.markNow()
    var readiness = app.get("/actuator/health/readiness").statusCode()
    while (readiness != 503 && exiting.elapsedNow() < 1.seconds) {
      readiness = app.get("/actuator/health/readiness").statusCode()
    }
    readiness shouldBe 503
    val served = app.rawGet("/")
    val during = exiting.elapsedNow()
    withClue("checked $during into the exit, within the 3 s pre-wait") { during shouldBeLessThan 3.seconds }
    served.status shouldBe "HTTP/1.1 200 "
    served.headers["connection"] shouldBe "close"
    // The idle connection is closed by the server at the end of the pre-wait, not before, and
    // before the drain of the slow request ends: a read ends (EOF or reset).
    idle.use {
      val eof = try {
        it.getInputStream().read()
      } catch (reset: IOException) {
        -1
      }
      eof shouldBe -1
    }
    val closedAfter = exiting.elapsedNow()
    withClue("the idle connection closed $closedAfter into the exit, with the slow request still in flight") {
      slow.isDone shouldBe false
      closedAfter shouldBeGreaterThan 2.seconds
    }

    val done = slow.get(30, TimeUnit.SECONDS)
    done.statusCode() shouldBe 200
    done.body() shouldBe "slow done"
    val r = app.await()
    withClue({ r.toString() }) {
      r.status shouldBe 143
      r.steps shouldContainExactly LIFO
    }
    shouldRefuse { app.rawGet("/") }
  }

  test("examples/spring-boot: the audit log flushes after the pre-wait, the bean is destroyed after the drain, the pool main opened closes last") {
    val app =
      BoundedChild(
        "dev.exitscope.examples.spring.OrderService",
        listOf("--server.port=0", "--exitscope.spring.pre-wait=200ms", "--spring.main.banner-mode=off"),
        listOf("-XX:TieredStopAtLevel=1"),
        classpath = BoundedChild.classpathWith("logback", spring = true),
      )
    val started = app.awaitLine(120.seconds, "Tomcat's port") { it.contains("Tomcat started on port ") }
    val port = Regex("port (\\d+)").find(started)!!.groupValues[1]
    app.awaitLine(30.seconds, "the started line") { it.contains("Started OrderService") }
    val client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
    val orders = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:$port/orders")).build(), HttpResponse.BodyHandlers.ofString())
    orders.body() shouldBe "42 (query 1)"
    app.signal("TERM")
    val r = app.await()
    withClue({ r.toString() }) {
      r.status shouldBe 143
      r.lines.filter { it.startsWith("audit") || it.startsWith("pool") } shouldContainExactly
        listOf("audit log flushed", "audit log bean destroyed, the server has drained", "pool closed after 1 queries, the last step of the exit")
    }
  }

  context("Logback, the real one, to the last exit handler") {
    fun logOf(vararg args: String, logbackRecipe: Boolean): List<String> {
      val log = Files.createTempFile("exitscope-spring", ".log").toFile()
      try {
        val app = SpringChild(*args, "--logging.file.name=${log.path}", "--logging.pattern.file=%m%n", logbackRecipe = logbackRecipe)
        app.signal("TERM")
        app.await().shouldHaveEndedOnSigterm()
        return log.readLines()
      } finally {
        log.delete()
      }
    }

    test("with the guide's recipe (logging.register-shutdown-hook=false, the LoggerContext's stop registered first in main), main's last handler still logs") {
      val records = logOf("--logging.register-shutdown-hook=false", logbackRecipe = true)
      records shouldContain "@PreDestroy logged"
      records.last() shouldBe "last handler: still logging"
    }

    test("without it, Spring Boot's logging shutdown runs at its documented place, after the context closed: main's older handler is not logged") {
      val records = logOf(logbackRecipe = false)
      records shouldContain "@PreDestroy logged"
      records shouldNotContain "last handler: still logging"
    }
  }
})

private fun shouldRefuse(connect: () -> Unit) {
  try {
    connect()
    error("the server still accepted a connection after the exit")
  } catch (expected: ConnectException) {
    // refused: the process is gone
  }
}
