// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

@file:JvmName("StartAtExit")

package dev.exitscope.ktor

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.exitTimeLeft
import dev.exitscope.coroutines.push
import io.ktor.server.application.ApplicationStarted
import io.ktor.server.application.ApplicationStopped
import io.ktor.server.application.install
import io.ktor.server.application.log
import io.ktor.server.engine.ApplicationEngine
import io.ktor.server.engine.EmbeddedServer
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext

/**
 * Starts this server as `start(wait)` does, as one step of [scope]'s exit (the JVM's, for
 * [ExitScope.global]): Ktor's own JVM shutdown hook is kept off (see the README, "Ktor"), and
 * the server's stop is registered in [scope] once the server started. So handlers registered
 * before this call (or in the application's modules) run *after* the server has drained, and
 * those registered after it, before; the server stops exactly once, at its turn.
 *
 * At its turn the stop does what [GracefulShutdown] says (installed with its defaults if the
 * modules did not install it): pre-wait, then stop with the grace period and timeout, every wait
 * bounded by what is left of the deadline. It is registered with a timeout of
 * `preWait + timeout + 1 s`: a stop that hangs past it (an `ApplicationStopped` handler that
 * blocks) is reported and abandoned like any hung handler, and the older handlers still run. A
 * server stopped before the exit (`stop()`) unregisters its stop.
 *
 * With `wait = true` it returns when the engine has stopped, as `start(wait = true)` does.
 *
 * @return this server
 * @throws Throwable whatever `start()` throws; nothing stays registered then
 */
public fun <TEngine : ApplicationEngine, TConfiguration : ApplicationEngine.Configuration> EmbeddedServer<TEngine, TConfiguration>.startAtExit(
  wait: Boolean = false,
  scope: ExitScope = ExitScope.global(),
): EmbeddedServer<TEngine, TConfiguration> {
  val stop = startWithoutKtorHook()
  val registration = scope.push("ktor server", stop.bound, stop.handler())
  stop.readiness.scope = scope
  monitor.subscribe(ApplicationStopped) { registration.unregister() }
  if (wait) {
    val stopped = CompletableDeferred<Unit>()
    monitor.subscribe(ApplicationStopped) { stopped.complete(Unit) }
    runBlocking { stopped.await() }
  }
  return this
}

/**
 * Starts this server and serves until the calling coroutine is cancelled, then stops it as
 * [GracefulShutdown] says (pre-wait, grace period, timeout), within [exitTimeLeft]; it never
 * returns normally. Made for the main coroutine of `suspendApp { }`, which the exit cancels:
 * the server is stopped there, so the app's `atExit` handlers (a pool registered before) run after
 * it has drained. Ktor's own JVM shutdown hook is kept off, as by [startAtExit].
 *
 * Outside `suspendApp`, nothing cancels the coroutine at exit: use [startAtExit] there.
 */
public suspend fun EmbeddedServer<*, *>.serve(): Nothing {
  val stop = withContext(Dispatchers.IO) { startWithoutKtorHook() }
  try {
    awaitCancellation()
  } finally {
    withContext(NonCancellable) { stop.run(OrderedStop.budget(exitTimeLeft())) }
  }
}

/** Starts the server with Ktor's hook kept off and [GracefulShutdown] installed. */
private fun EmbeddedServer<*, *>.startWithoutKtorHook(): OrderedStop {
  val flagOff = KtorShutdownHook.keepOff(EmbeddedServer::class.java.classLoader)
  application.attributes.put(STARTED_AT_EXIT, Unit)
  monitor.subscribe(ApplicationStarted) { app ->
    if (!app.attributes.contains(Readiness.KEY)) app.install(GracefulShutdown)
    app.attributes.put(STARTED_AT_EXIT, Unit)
  }
  start(wait = false)
  if (!flagOff) {
    val removed = KtorShutdownHook.removeRegistered(monitor)
    if (removed < 0) {
      val warning =
        "exitscope-ktor: Ktor's own shutdown hook could not be taken out; it will stop this server at the start of " +
          "the exit, out of order. Run the JVM with -D${KtorShutdownHook.PROPERTY}=false"
      environment.log.warn(warning)
      System.err.println(warning)
    }
  }
  return OrderedStop(this, application.attributes[Readiness.KEY])
}
