// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.ktor

import io.ktor.events.Events
import io.ktor.server.application.ApplicationStopping
import kotlinx.coroutines.DisposableHandle

/**
 * Keeps Ktor's own JVM shutdown hook away from a server that exitscope stops.
 *
 * Where Ktor 3 installs it: `EmbeddedServer.start()` calls `addShutdownHook { stop() }`, which,
 * if the flag `SHUTDOWN_HOOK_ENABLED` is true, subscribes to `ApplicationStarting`; there it
 * registers a thread named `KtorShutdownHook` with `Runtime.addShutdownHook`, which calls the
 * server's `stop()` when the JVM exits, at the same time as every other hook, exitscope's
 * included. It subscribes its own remover to `ApplicationStopping`. The flag is a static field of
 * `io.ktor.server.engine.ShutdownHookJvmKt`, read once, when that class is initialised (by the
 * first `start()` of the JVM), from the system property `io.ktor.server.engine.ShutdownHook`:
 * setting the property later changes nothing, and setting it to `false` turns the hook off for
 * every server of the JVM.
 *
 * So, before `start()`: [keepOff] initialises that class with the property set to `false` for
 * the moment, then restores the property as it was. That turns Ktor's hook off for the JVM, for
 * servers started later too: start those with `startAtExit` as well. When the class was already
 * initialised with the flag on (a server was started before in this JVM without exitscope), the
 * hook a `start()` registers is taken out right after it by [removeRegistered], through Ktor's own
 * remover, found among the `ApplicationStopping` subscribers. If even that fails (a Ktor that
 * changed these internals), a warning names the property to set.
 */
internal object KtorShutdownHook {
  const val PROPERTY = "io.ktor.server.engine.ShutdownHook"
  private const val FLAG_CLASS = "io.ktor.server.engine.ShutdownHookJvmKt"
  private const val HOOK_THREAD = "KtorShutdownHook"

  /** Turns Ktor's hook off before a `start()`; whether the flag is now known to be off. */
  fun keepOff(loader: ClassLoader): Boolean = synchronized(this) {
    val before = System.getProperty(PROPERTY)
    System.setProperty(PROPERTY, "false")
    val flagClass =
      try {
        Class.forName(FLAG_CLASS, true, loader)
      } catch (e: ClassNotFoundException) {
        null // a Ktor without that class: the property stays false for whatever reads it later
      } catch (e: LinkageError) {
        null
      }
    if (flagClass != null) {
      if (before == null) System.clearProperty(PROPERTY) else System.setProperty(PROPERTY, before)
    }
    flagClass != null && flagOf(flagClass) == false
  }

  private fun flagOf(flagClass: Class<*>): Boolean? = try {
    flagClass.getMethod("getSHUTDOWN_HOOK_ENABLED").invoke(null) as? Boolean
  } catch (e: ReflectiveOperationException) {
    null
  } catch (e: RuntimeException) {
    null
  }

  /**
   * After a `start()` with the flag on: unregisters the hook thread(s) that Ktor's remover on
   * [monitor] would unregister, and that remover. Returns how many hooks it took out, or -1 when
   * Ktor's internals were not as expected.
   */
  fun removeRegistered(monitor: Events): Int = try {
    var removed = 0
    for (registration in registrations(monitor)) {
      val handler = field(registration, "handler") ?: continue
      if (!handler.javaClass.name.startsWith(FLAG_CLASS)) continue
      for (hook in capturedThreads(handler)) {
        if (hook.name == HOOK_THREAD && Runtime.getRuntime().removeShutdownHook(hook)) removed++
      }
      (registration as? DisposableHandle)?.dispose()
    }
    removed
  } catch (e: ReflectiveOperationException) {
    -1
  } catch (e: RuntimeException) {
    -1
  }

  /** The `ApplicationStopping` registrations of [monitor]: `Events.handlers[ApplicationStopping]`. */
  private fun registrations(monitor: Events): List<Any> {
    val handlers = field(monitor, "handlers") ?: return emptyList()
    val head = handlers.javaClass.getMethod("get", Any::class.java).invoke(handlers, ApplicationStopping) ?: return emptyList()
    val next = head.javaClass.getMethod("getNextNode")
    val nodes = ArrayList<Any>()
    var node = next.invoke(head)
    while (node != null && node !== head && nodes.size < MAX_NODES) {
      nodes.add(node)
      node = next.invoke(node)
    }
    return nodes
  }

  private fun capturedThreads(handler: Any): List<Thread> = handler.javaClass.declaredFields.mapNotNull { f ->
    if (!Thread::class.java.isAssignableFrom(f.type)) return@mapNotNull null
    f.isAccessible = true
    f.get(handler) as? Thread
  }

  private fun field(
    owner: Any,
    name: String,
  ): Any? {
    var type: Class<*>? = owner.javaClass
    while (type != null) {
      val f = type.declaredFields.firstOrNull { it.name == name }
      if (f != null) {
        f.isAccessible = true
        return f.get(owner)
      }
      type = type.superclass
    }
    return null
  }

  /** A bound on a list that a lock-free list's iteration could, in theory, loop over. */
  private const val MAX_NODES = 10_000
}
