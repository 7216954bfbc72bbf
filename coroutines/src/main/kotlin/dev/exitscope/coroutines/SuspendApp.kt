// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

@file:JvmName("SuspendApps")

package dev.exitscope.coroutines

import dev.exitscope.ExitScope
import dev.exitscope.coroutines.internal.MainCoroutine
import dev.exitscope.coroutines.internal.nanosOf
import dev.exitscope.coroutines.internal.requirePositive
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.runBlocking
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.system.exitProcess
import kotlin.time.Duration

/** The receiver of a [suspendApp] block: its main coroutine's scope, and its exit handlers. */
public interface SuspendAppScope : CoroutineScope {
  /**
   * The block's exit handlers: Python's `atexit` for this app. However the app ends (the block
   * returns or fails, a signal, `System.exit`, [exit]), they run at the JVM's exit after the main
   * coroutine has ended, newest first, within the deadline, with everything [ExitScope.global]
   * gives: timeouts, reports, suspend handlers.
   */
  public val atExit: ExitScope

  /**
   * Ends the app with [status], as Python's `sys.exit(status)`: cancels the main coroutine (its
   * `finally` blocks run, in every child), then the process exits with [status] after running the
   * handlers. Callable from any coroutine of the app; prefer it to `exitProcess`, which cannot
   * unwind the coroutine that calls it (the exit goes on without waiting for that coroutine).
   */
  public fun exit(status: Int): Nothing
}

/**
 * Runs [block] as the application's main coroutine, tied to the process's exit: Arrow's
 * `SuspendApp` and cats-effect's `IOApp` for exitscope. Write `fun main() = suspendApp { … }`.
 *
 * How it ends:
 * - [block] returns: its [SuspendAppScope.atExit] handlers run, then every older handler of
 *   [ExitScope.global], and the process exits with status 0, even if non-daemon threads remain.
 * - [block] fails: the failure is reported, then the handlers run, and the status is 1.
 * - SIGTERM, SIGINT, SIGHUP, or `System.exit(n)` on another thread: the main coroutine is
 *   cancelled, its `finally` blocks run, then its handlers, newest first, all within the deadline
 *   (`exitscope.deadline`, 30 s by default), and the process ends with 143, 130, 129 or `n`. The
 *   exit's own cancellation is never printed.
 * - [SuspendAppScope.exit]: as a signal, with the given status. A failure while it unwinds the
 *   block (a `finally` that throws) replaces it, as in Python: reported, status 1.
 * - `System.exit(n)` or `exitProcess(n)` inside the main coroutine: the handlers run and the status
 *   is `n`; the coroutine that called it cannot be unwound (the call never returns), so the exit
 *   waits for none of the block: its other `finally` blocks may run while the handlers do, or not
 *   at all.
 *
 * A failure of the block or of a child (a `finally` that throws while a signal unwinds the block
 * included) is reported once, completely, as an uncaught exception of the thread that called
 * `suspendApp` ("main"): through its uncaught exception handler, the default one if set, else
 * printed as `Exception in thread "main" …`. The report is made before any handler runs, whatever
 * ends the app, and is bounded like the block's `finally` blocks: an uncaught exception handler
 * still running after the wait for the block (below) is reported as the `main coroutine` handler's
 * timeout, with its stack, and the exit goes on (with status 1 when nothing else ended the app).
 * One that throws is named after the failure's own trace; one that calls `System.exit` is not
 * waited for.
 *
 * The exit waits for the cancelled block (its `finally` blocks and its failure's report) at most
 * [timeout], and never into the handlers' share of the deadline: of the time left when the wait
 * starts, the handlers keep a quarter, at least 500 ms (or half when less than a second is left)
 * and at most 5 s; the block gets the rest. With the default 30 s deadline the block gets 25 s and
 * the handlers 5 s; with a 2 s deadline, 1.5 s and 500 ms. Past the wait the block is reported as
 * the `main coroutine` handler's timeout, with the stack of the thread running it if one does (a
 * `finally` blocked in a call; a suspended one shows no stack), and the block's handlers run with
 * what is left. Inside the main coroutine during the exit, [exitTimeLeft] tells how long the wait
 * has left. A smaller [timeout] leaves the handlers more.
 *
 * [block] runs under [runBlocking] on the calling thread, with [context] (a dispatcher such as
 * `Dispatchers.Default` moves it there; a [kotlinx.coroutines.Job] in it becomes the main
 * coroutine's parent). Handlers registered on [ExitScope.global] while the block runs are newer
 * than the main coroutine, so they run *before* it is cancelled: register on
 * [SuspendAppScope.atExit] what must run after the block's `finally` blocks.
 *
 * Call it once, from `main`: it never returns normally while the JVM keeps running (it ends the
 * process). Called while the JVM is already exiting (after another thread's `System.exit`, or
 * from an exit handler), it returns at once: [block] does not run, nothing is registered and
 * nothing is printed.
 *
 * @param timeout how long the exit waits for the cancelled main coroutine at most; it never takes
 *   the handlers' share of the deadline
 * @throws IllegalArgumentException if [timeout] is zero or negative
 * @throws IllegalStateException if `suspendApp` already runs in this process (called twice, or
 *   from its own block)
 */
public fun suspendApp(
  context: CoroutineContext = EmptyCoroutineContext,
  timeout: Duration = Duration.INFINITE,
  block: suspend SuspendAppScope.() -> Unit,
) {
  val app = MainCoroutine(nanosOf(requirePositive(timeout, "timeout")))
  val status = app.run(context, block)
  if (status != null) exitProcess(status)
}
