// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests.spring

import dev.exitscope.tests.BoundedChild
import dev.exitscope.tests.ExitResult
import java.io.BufferedReader
import java.io.InputStreamReader
import java.net.Socket
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import java.time.Duration as JavaDuration

/** An HTTP/1.1 response read off a raw socket: the status line and the headers, lower-cased names. */
data class RawResponse(val status: String, val headers: Map<String, String>)

/**
 * [SpringExitApp] in a child JVM with Logback (its own classpath, as LoggingAtExitTest's children
 * have), its embedded Tomcat on 127.0.0.1 and an ephemeral port; ready once constructed.
 */
class SpringChild(vararg springArgs: String, jvmArgs: List<String> = emptyList(), logbackRecipe: Boolean = false) {
  private val child =
    BoundedChild(
      SpringExitApp::class.java.name,
      (if (logbackRecipe) listOf("logback-recipe") else emptyList()) +
        listOf("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off") + springArgs,
      // C1 only: a Spring Boot start costs seconds on a busy two-core machine; nothing here is hot.
      listOf("-XX:TieredStopAtLevel=1") + jvmArgs,
      classpath = BoundedChild.classpathWith("logback", spring = true),
    )
  private val client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(JavaDuration.ofSeconds(5)).build()

  /** The port Tomcat listens on. */
  val port: Int

  /** `ExitScope.global().getDeadline()` once the application is ready, as ISO-8601. */
  val deadline: String

  init {
    val ready = child.awaitLine(120.seconds, "the ready line") { it.startsWith("ready ") }.split(' ')
    port = ready[1].toInt()
    deadline = ready[3]
  }

  /** Waits until the application prints [line]. */
  fun awaitLine(line: String, timeout: Duration = 30.seconds) = child.awaitLine(line, timeout)

  fun signal(name: String) = child.signal(name)

  fun await(bound: Duration = 60.seconds): ExitResult = child.await(bound)

  /** A GET with the JDK's client, on a connection of its own pool. */
  fun get(path: String): HttpResponse<String> = client.send(request(path), HttpResponse.BodyHandlers.ofString())

  /** A GET sent now, answered later. */
  fun getAsync(path: String) = client.sendAsync(request(path), HttpResponse.BodyHandlers.ofString())

  /** Opens a connection, sends one GET for [path] and reads the response's head and body: kept alive. */
  fun keptAlive(path: String = "/"): Pair<Socket, RawResponse> {
    val socket = Socket("127.0.0.1", port)
    socket.soTimeout = 10_000
    return socket to exchange(socket, path)
  }

  /** One GET on a new connection; the response's head. */
  fun rawGet(path: String = "/"): RawResponse = Socket("127.0.0.1", port).use {
    it.soTimeout = 10_000
    exchange(it, path)
  }

  private fun exchange(socket: Socket, path: String): RawResponse {
    socket.getOutputStream().write("GET $path HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".toByteArray())
    val input = BufferedReader(InputStreamReader(socket.getInputStream(), Charsets.ISO_8859_1))
    val status = input.readLine() ?: error("connection closed before the response")
    val headers = mutableMapOf<String, String>()
    while (true) {
      val line = input.readLine() ?: break
      if (line.isEmpty()) break
      val colon = line.indexOf(':')
      headers[line.substring(0, colon).trim().lowercase()] = line.substring(colon + 1).trim()
    }
    val length = headers["content-length"]?.toInt() ?: 0
    repeat(length) { input.read() }
    return RawResponse(status, headers)
  }

  private fun request(path: String) = HttpRequest.newBuilder(URI.create("http://127.0.0.1:$port$path")).timeout(JavaDuration.ofSeconds(20)).build()
}
