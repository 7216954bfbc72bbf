// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope;

import dev.exitscope.internal.Durations;
import dev.exitscope.internal.ExitHook;
import dev.exitscope.internal.ExitRun;
import dev.exitscope.internal.HandlerStack;
import dev.exitscope.internal.Node;
import dev.exitscope.internal.Runs;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A stack of exit handlers with the semantics of Python's {@code atexit}: handlers run newest
 * first, each at most once; they are removed by equality; a failing one never stops the others.
 *
 * <p>Thread-safe: any thread may register, unregister or run, also while a run is under way. No
 * lock is held while a handler runs, so a handler may use its scope freely. Actions of a thread
 * prior to registering a handler <i>happen-before</i> that handler runs.
 *
 * <h2>Two kinds of scope</h2>
 *
 * <ul>
 *   <li>{@link #global()}: the process-wide scope, run when the JVM exits (normal end of {@code
 *       main}, {@code System.exit}, an uncaught exception ending the last thread, SIGINT, SIGTERM,
 *       SIGHUP) by a single JVM shutdown hook. Not run on SIGKILL, {@code Runtime.halt}, a JVM
 *       crash, nor for signals under {@code -Xrs}.
 *   <li>{@link #create(String)}: an independent scope, run by {@link #run()} or {@link #close()}
 *       (Python's {@code contextlib.ExitStack}). A scope is itself an {@link ExitHandler}, so
 *       {@code global().register(scope)} runs it at exit and {@code global().unregister(scope)}
 *       detaches it.
 * </ul>
 *
 * <h2>At exit</h2>
 *
 * The run at exit is bounded: handlers run on a worker thread watched by the hook thread; a handler
 * that passes its own timeout or the scope's {@linkplain #setDeadline deadline} is reported with
 * its stack, interrupted and abandoned, and the next handler runs; a handler that calls {@code
 * System.exit} is reported and abandoned within about 100 ms, and the exit status is unchanged;
 * when the deadline is reached the handlers not run are named and the JVM exits. Failures go to the
 * {@linkplain #setListener listener} (by default {@code System.err}); nothing is thrown. After the
 * run the scope is closed.
 *
 * <h2>Nested scopes</h2>
 *
 * A scope registered in another ({@code global().register(plugin)}) runs, in an explicit {@link
 * #run()}, as one handler: {@code plugin.run()} on the caller's thread. At exit its handlers are
 * steps of the outer run: each keeps its own timeout, a hang or a {@code System.exit} call abandons
 * that handler only and the rest run, and reports name them with the scope's path ({@code
 * plugin/flush}). A nested scope's run at exit is bounded by the outer run's deadline, by its own
 * {@linkplain #setDeadline deadline} and by the timeout it was {@linkplain #push(String, Duration,
 * ExitHandler) pushed} with; it is closed once run, so a later registration in it runs at once.
 *
 * <h2>Registering and unregistering during a run</h2>
 *
 * Python leaves both undefined. Here a handler registered during a run is the newest, so it runs
 * next, in the same run (C's {@code atexit} does the same; CPython drops it). A handler
 * unregistered during a run before it started is skipped. Once a scope is closed, registering runs
 * the handler at once on the caller's thread: a registration is never lost and never refused.
 */
public final class ExitScope implements ExitHandler, AutoCloseable {
  /**
   * System property giving {@link #global()}'s deadline: {@code PT2S}, {@code 2s}, {@code 500ms}.
   */
  public static final String DEADLINE_PROPERTY = "exitscope.deadline";

  /**
   * Made with this class, not in a holder class of its own: a JVM's first registration then loads
   * one class fewer. It installs nothing until its first registration.
   */
  private static final ExitScope GLOBAL = new ExitScope("global", new ExitHook());

  private final String name;
  private final HandlerStack stack = new HandlerStack();
  private final @Nullable ExitHook hook;
  private final Object hookLock = new Object();
  private volatile boolean hookInstalled;
  private volatile @Nullable Duration deadline;

  /** Null for {@link ExitListener#stderr()}, which a quiet exit then never loads. */
  private volatile @Nullable ExitListener listener;

  ExitScope(String name, @Nullable ExitHook hook) {
    this.name = Objects.requireNonNull(name, "name");
    this.hook = hook;
  }

  /**
   * The process-wide scope, run when the JVM exits. Its one JVM shutdown hook is installed on the
   * first registration, never when this class loads.
   */
  public static ExitScope global() {
    return GLOBAL;
  }

  /**
   * An independent scope, run by {@link #run()} or {@link #close()}, or at exit if registered in
   * {@link #global()}.
   *
   * @param name shown in reports and {@link #toString()}
   * @throws NullPointerException if {@code name} is null
   */
  public static ExitScope create(String name) {
    return new ExitScope(name, null);
  }

  /**
   * Registers {@code handler} to run when this scope runs; Python's {@code atexit.register(func)}.
   * The same handler may be registered any number of times; each registration runs.
   *
   * <p>If the scope is already closed, the handler runs at once on the calling thread, and its
   * failure is thrown from here (a checked one wrapped in {@link ExitHandlerException}).
   *
   * @return {@code handler} itself, so that {@code unregister(returned)} removes it even for a
   *     lambda
   * @throws NullPointerException if {@code handler} is null, in which case nothing is registered
   */
  public ExitHandler register(ExitHandler handler) {
    if (handler == null) { // no call to requireNonNull: registering runs cold, and calls cost
      throw new NullPointerException("handler");
    }
    if (handler instanceof ExitScope) {
      add(node(handler, null, 0));
    } else {
      // The handler itself is the registration: nothing is made for it, as list.add makes nothing.
      installHookOnce();
      if (!stack.push(handler)) {
        Runs.runNow(handler);
      }
    }
    return handler;
  }

  /**
   * Registers {@code handler} to run with {@code a}: Python's {@code atexit.register(func, a)}.
   * Python's keyword arguments have no JVM form: capture them in a lambda instead. Otherwise as
   * {@link #register(ExitHandler)}; {@code unregister(handler)} removes it whatever its argument.
   *
   * @return {@code handler} itself
   * @throws NullPointerException if {@code handler} is null ({@code a} may be null)
   */
  public <A extends @Nullable Object> ExitHandler1<A> register(ExitHandler1<A> handler, A a) {
    add(Node.of(Objects.requireNonNull(handler, "handler"), a, stack));
    return handler;
  }

  /**
   * Registers {@code handler} to run with {@code a} and {@code b}: Python's {@code
   * atexit.register(func, a, b)}. Otherwise as {@link #register(ExitHandler1, Object)}.
   *
   * @return {@code handler} itself
   * @throws NullPointerException if {@code handler} is null (the arguments may be null)
   */
  public <A extends @Nullable Object, B extends @Nullable Object> ExitHandler2<A, B> register(
      ExitHandler2<A, B> handler, A a, B b) {
    add(Node.of(Objects.requireNonNull(handler, "handler"), a, b, stack));
    return handler;
  }

  /**
   * Registers {@code handler} as {@link #register(ExitHandler)} does, returning a handle that
   * removes exactly this registration in O(1).
   *
   * @throws NullPointerException if {@code handler} is null
   */
  public Registration push(ExitHandler handler) {
    return add(node(Objects.requireNonNull(handler, "handler"), null, 0));
  }

  /**
   * Registers {@code handler} under {@code name}, the name reports use (a lambda's own is only
   * {@code lambda in SomeClass}).
   *
   * @throws NullPointerException if {@code name} or {@code handler} is null
   */
  public Registration push(String name, ExitHandler handler) {
    Objects.requireNonNull(name, "name");
    return add(node(Objects.requireNonNull(handler, "handler"), name, 0));
  }

  /**
   * Registers {@code handler} under {@code name} with its own {@code timeout} for the run at exit:
   * it gets the smaller of {@code timeout} and what is left of the deadline. An explicit {@link
   * #run()} runs on the caller's thread and does not enforce it.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code timeout} is zero or negative; nothing is registered
   */
  public Registration push(String name, Duration timeout, ExitHandler handler) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(timeout, "timeout");
    long nanos = Durations.toNanos(Durations.requirePositive(timeout, "timeout"));
    return add(node(handler, name, nanos));
  }

  /**
   * Registers {@code resource.close()} to run when this scope runs, and returns {@code resource}:
   * Python's {@code contextlib.closing}, Guava's {@code Closer.register}. {@code
   * unregister(resource)} removes it. Otherwise as {@link #register(ExitHandler)}: if the scope is
   * already closed, the resource is closed at once and its failure thrown from here.
   *
   * <pre>{@code
   * try (ExitScope request = ExitScope.create("request")) {
   *   Writer out = request.closing(Files.newBufferedWriter(path));
   *   ...
   * } // out is closed here, after anything registered later
   * }</pre>
   *
   * @return {@code resource} itself
   * @throws NullPointerException if {@code resource} is null, in which case nothing is registered
   */
  public <C extends AutoCloseable> C closing(C resource) {
    Objects.requireNonNull(resource, "resource");
    add(
        resource instanceof ExitScope inner
            ? Node.nested(inner, inner.stack, null, 0, true, stack)
            : Node.closing(resource, stack));
    return resource;
  }

  /**
   * Removes every registration whose handler equals {@code handler}, whatever its arguments:
   * Python's {@code atexit.unregister(func)}. Equal means either side says so: {@code
   * registered.equals(handler)} (CPython's order, asked first) or {@code
   * handler.equals(registered)} (Java's {@code Collection.remove} convention), as Python's {@code
   * ==} falls back to the other operand. Costs O(1 + matches), not a scan, so objects that are
   * equal either way must have equal hash codes. Every {@code equals} and {@code hashCode} runs
   * outside any lock; one that calls back into this scope (to register, unregister or clear) cannot
   * corrupt it. A handler that is running or has run is not affected.
   *
   * <p>From Java, keep what {@code register} returned: {@code unregister(conn::close)} removes
   * nothing, since each evaluation of a method reference is a new object without equality (and
   * {@code unregister(conn::close)} does not even compile: {@code Object} is not a functional
   * interface). {@link #push(ExitHandler)} returns a {@link Registration} that removes exactly one.
   *
   * @return how many registrations were removed; 0, silently, if none
   * @throws NullPointerException if {@code handler} is null
   * @throws RuntimeException whatever an {@code equals} or {@code hashCode} throws, in which case
   *     nothing is removed
   */
  public int unregister(Object handler) {
    return stack.removeEqual(Objects.requireNonNull(handler, "handler"));
  }

  /** How many registrations are waiting to run; Python's {@code atexit._ncallbacks()}. */
  public int size() {
    return stack.size();
  }

  /** Removes every registration without running it; Python's {@code atexit._clear()}. */
  public void clear() {
    stack.drain();
  }

  /**
   * Runs every registered handler now on the calling thread, newest first, and empties the scope:
   * Python's {@code atexit._run_exitfuncs()}. The scope stays open: handlers registered afterwards
   * run at the next run. Handlers registered during the run run in it. Every handler runs even when
   * earlier ones fail.
   *
   * @throws RuntimeException the last failure, after all handlers ran, with the earlier ones {@link
   *     Throwable#getSuppressed() suppressed}; a checked exception is wrapped in {@link
   *     ExitHandlerException}
   * @throws Error the last failure, if it was an error
   */
  @Override
  public void run() {
    stack.runStarted();
    try {
      Runs.runHere(stack, false);
    } finally {
      stack.runEnded();
    }
  }

  /**
   * Runs the scope as {@link #run()} does and closes it for good; a later registration runs at
   * once. Removes the JVM shutdown hook of {@link #global()}, so a closed scope leaves no reference
   * behind (a web application can close its scope on undeploy). Closing a closed scope does
   * nothing.
   *
   * @throws RuntimeException as {@link #run()}; the scope is closed all the same
   */
  @Override
  public void close() {
    stack.runStarted();
    try {
      Runs.runHere(stack, true);
    } finally {
      stack.runEnded();
      uninstallHook();
    }
  }

  /** Whether {@link #close()} or the JVM exit has closed this scope. */
  public boolean isClosed() {
    return stack.isClosed();
  }

  /**
   * Whether a run is under way: {@link #run()}, {@link #close()} or the exit, including the exit's
   * run of a scope registered in {@link #global()} while its handlers run; Hadoop's {@code
   * isShutdownInProgress()}.
   */
  public boolean isRunning() {
    return stack.isRunning();
  }

  /** The name given at creation; {@code "global"} for {@link #global()}. */
  public String getName() {
    return name;
  }

  /**
   * The deadline of this scope's run at exit: what {@link #setDeadline} set, else for {@link
   * #global()} the system property {@value #DEADLINE_PROPERTY}, else 30 seconds.
   */
  public Duration getDeadline() {
    Duration set = deadline;
    if (set != null || hook == null) {
      return set != null ? set : Durations.DEFAULT_DEADLINE;
    }
    Duration d = Durations.fromProperty(DEADLINE_PROPERTY, Durations.DEFAULT_DEADLINE);
    String problem = Durations.takeProblem();
    if (problem != null) {
      System.err.println(problem);
    }
    return d;
  }

  /**
   * Sets the deadline of this scope's run at exit, overriding the system property.
   *
   * @throws IllegalArgumentException if {@code deadline} is zero or negative; nothing changes then
   */
  public void setDeadline(Duration deadline) {
    this.deadline =
        Durations.requirePositive(Objects.requireNonNull(deadline, "deadline"), "deadline");
  }

  /** Sets who hears about the run at exit; {@link ExitListener#stderr()} by default. */
  public void setListener(ExitListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Within a handler running at exit, how long it has before it is timed out: the nearest of its
   * own timeout, its scope's deadline and, for a nested scope, the outer ones. Elsewhere, including
   * in an explicit {@link #run()}, {@code Duration.ofNanos(Long.MAX_VALUE)} (about 292 years), so
   * that every conversion ({@code toMillis()}, {@code toNanos()}) is safe and the result can always
   * be passed to a bounded wait: {@code pool.awaitTermination(timeLeft().toMillis(),
   * MILLISECONDS)}.
   *
   * <p>A handler waiting this long is timed out the moment its wait ends; keep a reserve for what
   * follows the wait with {@link #timeLeft(Duration)}.
   */
  public static Duration timeLeft() {
    return Duration.ofNanos(ExitRun.nanosLeft());
  }

  /**
   * {@link #timeLeft()} less {@code reserve}, and never negative: how long a handler may wait and
   * still have {@code reserve} for its fallback.
   *
   * <pre>{@code
   * if (!pool.awaitTermination(ExitScope.timeLeft(Duration.ofMillis(200)).toMillis(), MILLISECONDS)) {
   *   pool.shutdownNow(); // the 200 ms kept for this
   * }
   * }</pre>
   *
   * @throws NullPointerException if {@code reserve} is null
   * @throws IllegalArgumentException if {@code reserve} is negative
   */
  public static Duration timeLeft(Duration reserve) {
    Objects.requireNonNull(reserve, "reserve");
    if (reserve.isNegative()) {
      throw new IllegalArgumentException("reserve must not be negative, was " + reserve);
    }
    long left = ExitRun.nanosLeft() - Durations.toNanos(reserve);
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  @Override
  public String toString() {
    return "ExitScope[" + name + "]";
  }

  /** A registration of {@code handler}: a step of its own, or a nested scope's steps at exit. */
  private Node node(ExitHandler handler, @Nullable String name, long timeoutNanos) {
    if (handler instanceof ExitScope inner) {
      return Node.nested(inner, inner.stack, name, timeoutNanos, false, stack);
    }
    return name == null
        ? new Node(handler, stack)
        : Node.described(handler, name, timeoutNanos, stack);
  }

  private Registration add(Node node) {
    installHookOnce();
    if (!stack.push(node)) {
      Runs.runNow(node);
    }
    // Not "return node": verifying that would load Registration on the first registration of any
    // kind; Node loads it, and only the first push loads Node.
    return node.registration();
  }

  private void installHookOnce() {
    if (hook != null && !hookInstalled) {
      installHook();
    }
  }

  private void installHook() {
    ExitHook h = Objects.requireNonNull(hook);
    synchronized (hookLock) {
      if (hookInstalled || stack.isClosed()) {
        return;
      }
      try {
        h.install(new Task(false));
        Thread prepare = new Thread(null, new Task(true), "exitscope-prepare", 0, false);
        prepare.setDaemon(true);
        prepare.setContextClassLoader(null);
        prepare.start();
      } catch (RuntimeException e) { // not IllegalStateException: verifying this class loads it
        if (!(e instanceof IllegalStateException)) {
          throw e;
        }
        // The JVM is already exiting without our hook: run registrations at once from now on.
        stack.closeAndDrain();
      }
      hookInstalled = true;
    }
  }

  private void uninstallHook() {
    ExitHook h = hook;
    if (h != null) {
      synchronized (hookLock) {
        if (hookInstalled) {
          h.uninstall();
        }
        hookInstalled = true; // closed: never install again
      }
    }
  }

  /** False only if {@value #DEADLINE_PROPERTY} is certainly not set; reading it loads nothing. */
  private static boolean mayHaveDeadlineProperty() {
    try {
      return System.getProperty(DEADLINE_PROPERTY) != null;
    } catch (RuntimeException unreadable) {
      return true; // Durations.fromProperty reports why
    }
  }

  /** The bounded run, called once by the hook at exit. */
  void runAtExit() {
    stack.runStarted();
    try {
      // The default needs no Duration, nor the class that parses them: the exit loads neither.
      Duration set = deadline;
      long nanos = Durations.DEFAULT_DEADLINE_NANOS;
      String note = null;
      if (set != null) {
        nanos = Durations.toNanos(set);
      } else if (mayHaveDeadlineProperty()) {
        nanos =
            Durations.toNanos(
                Durations.fromProperty(DEADLINE_PROPERTY, Durations.DEFAULT_DEADLINE));
        note = Durations.takeProblem();
      }
      new ExitRun(name, stack, nanos, listener, Objects.requireNonNull(hook), note).run();
    } finally {
      stack.runEnded();
    }
  }

  /**
   * What the hook runs at exit; or, started once the hook is installed, a dry run on a thread of
   * its own that loads and links the classes of the run at exit, so that the exit does not pay for
   * that. A class, not a lambda: loading one costs milliseconds in a JVM without any.
   */
  private final class Task implements Runnable {
    private final boolean prepare;

    Task(boolean prepare) {
      this.prepare = prepare;
    }

    @Override
    public void run() {
      if (prepare) {
        // Parks rather than sleeps: no InterruptedException to catch, a class that verifying this
        // one, on the first registration's thread, would load. An early wake-up does no harm.
        LockSupport.parkNanos(ExitRun.PREPARE_DELAY_NANOS);
        ExitRun.prepare(Objects.requireNonNull(hook));
      } else {
        runAtExit();
      }
    }
  }
}
