// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import static dev.exitscope.internal.Nulls.castToNonNull;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitListener;
import dev.exitscope.ExitScope;
import dev.exitscope.ExitSummary;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One bounded run at exit. The calling thread (the hook thread) is the watchdog: handlers run one
 * after another, newest first, on a worker thread, and the watchdog gives up on a worker whose
 * handler passes its timeout or the deadline, or is stuck in a {@code System.exit} call; the next
 * handler then runs on a new worker. When the deadline is reached the handlers not run are reported
 * and every stack is closed (the run's, and those of the scopes registered in it, reached or not),
 * so {@link #run()} returns on time; what the reports may take past the deadline is decided in one
 * place, {@link Reporter} ("The end of the exit").
 *
 * <p>A scope registered in the scope being run ({@code global().register(plugin)}) is run as steps
 * of this run: its handlers keep their own timeouts, it is bounded by its own deadline and by the
 * timeout it was pushed with, as well as by this run's deadline, and it {@linkplain
 * HandlerStack#isRunning is running} while its handlers run.
 *
 * <p>The watchdog runs no user code and nothing that can block without a bound: reports go through
 * a {@link Reporter}, which it watches as it watches the workers. A handler given up on is
 * interrupted once and abandoned: its daemon thread may go on until the JVM halts, and nothing it
 * does afterwards is reported.
 */
public final class ExitRun {
  /** How often the watchdog looks at a running handler for a {@code System.exit} call. */
  private static final long POLL_NANOS = 100_000_000L;

  /** How long a nested scope's path may grow in reports before its middle is left out. */
  private static final int PATH_LENGTH = 200;

  private final String scope;
  private final HandlerStack stack;
  private final ExitHook hook;
  private final long deadlineNanos;
  private final @Nullable String note;

  /**
   * Guards the run's state. It is the stack's own lock, so that accounting for one handler and
   * popping the next take one lock, not two: that is most of the cost of a handler at exit.
   */
  private final Object monitor;

  /** Null for the default, {@link StderrReporter}. */
  private final @Nullable ExitListener listener;

  /** Made by the first report: a quiet exit loads none of the reporting path. */
  private @Nullable Reporter reporter;

  private final boolean progress;
  private long end;
  private int succeeded;
  private int failed;
  private int timedOut;
  private int skipped;
  private int workers;

  /**
   * The innermost nested scope being run; null while the outermost is. (Not a frame for the
   * outermost too: a run without nested scopes then never loads the class.)
   */
  private @Nullable Frame frame;

  /**
   * @param note a problem to report first (a malformed deadline property), or null
   */
  public ExitRun(
      String scope,
      HandlerStack stack,
      long deadlineNanos,
      @Nullable ExitListener listener,
      ExitHook hook,
      @Nullable String note) {
    this.scope = scope;
    this.stack = stack;
    this.monitor = stack;
    this.hook = hook;
    this.deadlineNanos = deadlineNanos;
    this.note = note;
    this.listener = listener;
    this.progress = listener != null && !(listener instanceof StderrReporter);
  }

  /**
   * How long the caller of {@link #prepare} waits first, before it loads this class: a program that
   * exits sooner would only have the dry run compete with its exit for the processors, and most
   * programs run far longer. A constant, so that reading it loads nothing.
   */
  public static final long PREPARE_DELAY_NANOS = 50_000_000;

  /**
   * A dry run of one handler, made once a scope's exit hook is installed, on a thread of its own,
   * after {@link #PREPARE_DELAY_NANOS}: it loads and links the classes of the run at exit and
   * starts a worker once, so that the exit itself pays for neither.
   */
  public static void prepare(ExitHook hook) {
    HandlerStack dry = new HandlerStack();
    // One named handler (an empty scope, which is a handler), so that the run asks of a node what
    // it asks of each: is it a Described, a Nested?
    dry.push(Node.described(ExitScope.create("prepare"), "prepare", 0, dry));
    new ExitRun("prepare", dry, 1_000_000_000L, null, hook, null).run();
  }

  /** The reporting path, made at the first report; called holding the monitor. */
  private Reporter reporter() {
    Reporter r = reporter;
    if (r == null) {
      reporter = r = new Reporter(monitor, listener, end);
    }
    return r;
  }

  /** Queues a report; see {@link Reporter#post}. */
  private void post(Event e) {
    Reporter r;
    synchronized (monitor) {
      r = reporter();
    }
    r.post(e);
  }

  /**
   * How long the calling handler may still run in a run at exit, in nanoseconds; {@code
   * Long.MAX_VALUE} when the caller is not a handler of such a run.
   */
  public static long nanosLeft() {
    Thread t = Thread.currentThread();
    return t instanceof Worker w ? Math.max(0, w.limit - System.nanoTime()) : Long.MAX_VALUE;
  }

  /** Runs every handler, or as many as the deadline allows, and closes the stack. */
  // Identity on purpose: is the worker still on this very registration?
  @SuppressWarnings("ReferenceEquality")
  public void run() {
    long start = System.nanoTime();
    boolean interrupted = false;
    Worker w;
    synchronized (monitor) {
      end = start + Math.min(deadlineNanos, Long.MAX_VALUE / 2);
      if (note != null) {
        reporter().post(Event.note(note));
      }
      if (progress) {
        reporter().post(new Event(Event.RUN_STARTED, scope, null, stack.size(), 0));
      }
      w = startWorker();
    }
    // When the watchdog first saw the running handler: a handler without a timeout of its own does
    // not read the clock when it starts, so its time is known to within one poll.
    int seenStep = 0;
    long seenAt = start;
    long lastLook = start;
    while (true) {
      Object current = null;
      String path = "";
      long ran = 0;
      boolean timeout = false;
      Thread stuckReporter = null;
      synchronized (monitor) {
        while (!w.finished) {
          long now = System.nanoTime();
          Reporter r = reporter;
          if (r != null && (stuckReporter = r.giveUpIfStuck(now)) != null) {
            break;
          }
          current = w.current;
          if (w.steps != seenStep) {
            seenStep = w.steps;
            seenAt = w.clocked ? w.started : now;
          }
          long limit = current == null ? end : w.limit;
          timeout = now - limit >= 0;
          if (timeout) {
            w.abandoned = true;
            if (current != null) {
              timedOut++;
            }
            break;
          }
          if (current != null && now - seenAt >= POLL_NANOS && now - lastLook >= POLL_NANOS) {
            lastLook = now;
            break; // a long-running handler: look at its stack for an exit call
          }
          long wake = Math.min(limit, now + POLL_NANOS);
          if (r != null) {
            wake = Math.min(wake, r.nextCheck());
          }
          interrupted |= await(monitor, wake - now);
        }
        if (w.finished) {
          break;
        }
        path = w.path;
        ran = System.nanoTime() - seenAt;
      }
      if (stuckReporter != null) {
        stuckReporter.interrupt();
        continue;
      }
      StackTraceElement[] at = w.getStackTrace();
      if (timeout) {
        w.interrupt();
        if (current != null) {
          post(new Event(Event.TIMED_OUT, path, current, at, ran));
        }
        synchronized (monitor) {
          if (System.nanoTime() - end >= 0) {
            skipAll();
            break;
          }
          w = startWorker();
          seenStep = 0;
        }
      } else if (current != null && hook.isStuckInExit(at)) {
        synchronized (monitor) {
          if (w.finished || w.current != current) {
            continue;
          }
          w.abandoned = true;
          failed++;
          reporter().post(new Event(Event.CALLED_EXIT, path, current, at, 0)); // first
          w = startWorker();
          seenStep = 0;
        }
      }
    }
    Reporter r;
    synchronized (monitor) {
      if (progress) {
        reporter()
            .post(
                new Event(
                    Event.RUN_FINISHED,
                    scope,
                    null,
                    new ExitSummary(
                        succeeded,
                        failed,
                        timedOut,
                        skipped,
                        reporter().unreported(),
                        Duration.ofNanos(System.nanoTime() - start)),
                    0));
      }
      r = reporter;
    }
    if (r != null) {
      interrupted |= r.finish();
    }
    if (interrupted) {
      Thread.currentThread().interrupt(); // kept for the caller, once the run no longer waits
    }
  }

  /**
   * Waits on {@code monitor}, which the caller holds, for at most {@code nanos} (no wait if not
   * positive). An interrupt ends the wait early and is returned, not kept: the interrupt status is
   * clear afterwards, so the caller's next wait blocks again instead of spinning.
   *
   * @return whether the wait was interrupted
   */
  @SuppressWarnings("WaitNotInLoop") // every caller waits in a loop of its own
  static boolean await(Object monitor, long nanos) {
    if (nanos <= 0) {
      return false;
    }
    try {
      monitor.wait(nanos / 1_000_000, (int) (nanos % 1_000_000)); // no TimeUnit: a class less
      return false;
    } catch (Exception e) { // not InterruptedException: verifying this class would load it
      if (e instanceof RuntimeException unexpected) {
        throw unexpected;
      }
      return true; // the only checked exception wait throws: InterruptedException
    }
  }

  private Worker startWorker() {
    Worker w = new Worker(++workers);
    w.start();
    return w;
  }

  /**
   * The deadline is spent: closes every scope being run, and every scope registered in them that
   * the run did not reach, and reports what they still held.
   */
  private void skipAll() {
    Map<String, Skipped> left = new LinkedHashMap<>();
    left.put("", new Skipped("")); // the scope run first, then each nested one by path
    Set<HandlerStack> seen = beingRun(frame);
    for (Frame f = frame; f != null; f = f.outer) {
      closeInto(f.stack, f.path, left, seen);
      leave(f);
    }
    closeInto(stack, "", left, seen);
    report(scope, left);
  }

  /**
   * A nested scope's own time is up: closes it, and the scopes in it, and reports what they held.
   */
  private void skipFrame(Frame f) {
    Map<String, Skipped> left = new LinkedHashMap<>();
    left.put(f.path, new Skipped(f.path));
    closeInto(f.stack, f.path, left, beingRun(f));
    leave(f);
    report(f.name, left);
  }

  /**
   * The stacks of this run and of the nested scopes being run, from {@code f} outwards: closing the
   * scopes registered in them never enters these again.
   */
  private Set<HandlerStack> beingRun(@Nullable Frame f) {
    Set<HandlerStack> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(stack);
    for (Frame g = f; g != null; g = g.outer) {
      seen.add(g.stack);
    }
    return seen;
  }

  /**
   * Closes {@code s}, whose handlers are named from {@code path}, and the scopes registered in it
   * not yet in {@code seen}, depth first without recursion (scopes may nest deeply); adds what they
   * held to {@code left}, by path. A stack that never held a scope is taken whole: a million
   * handlers cost one pass over an array.
   */
  private static void closeInto(
      HandlerStack s, String path, Map<String, Skipped> left, Set<HandlerStack> seen) {
    if (!s.mayHoldScopes()) {
      left.computeIfAbsent(path, Skipped::new).addAll(s.closeAndDrain());
      return;
    }
    ArrayDeque<Iterator<Object>> entries = new ArrayDeque<>();
    ArrayDeque<String> paths = new ArrayDeque<>();
    entries.push(s.closeAndDrain().iterator());
    paths.push(path);
    while (!entries.isEmpty()) {
      Iterator<Object> it = entries.peek();
      if (!it.hasNext()) {
        entries.pop();
        paths.pop();
        continue;
      }
      Object n = it.next();
      String p = castToNonNull(paths.peek());
      if (!(n instanceof Node.Nested nested)) {
        left.computeIfAbsent(p, Skipped::new).add(n);
      } else if (seen.add(nested.inner)) {
        entries.push(nested.inner.closeAndDrain().iterator());
        paths.push(childPath(p, nested.name(true)));
      }
    }
  }

  /** {@code plugin/sub/}: a nested scope's path; a long one keeps its start and its end. */
  private static String childPath(String parent, String name) {
    String path = parent + name + "/";
    return path.length() <= PATH_LENGTH
        ? path
        : path.substring(0, PATH_LENGTH / 2)
            + "…"
            + path.substring(path.length() - PATH_LENGTH / 2);
  }

  private void report(String scopeName, Map<String, Skipped> left) {
    int count = 0;
    for (Skipped s : left.values()) {
      count += s.size();
    }
    if (count > 0) {
      skipped += count;
      reporter().post(new Event(Event.SKIPPED, scopeName, null, new ArrayList<>(left.values()), 0));
    }
  }

  /**
   * The next handler to run, entering nested scopes and leaving those that are done or out of time;
   * null when the run is over. Called holding the monitor.
   */
  private @Nullable Object popNext(Worker w) {
    while (true) {
      Frame f = frame;
      if (f == null) {
        Object n = stack.popOrCloseHeld(); // the monitor is this stack's lock
        if (n instanceof Node.Nested nested) {
          enter(nested);
          continue;
        }
        w.path = "";
        return n;
      }
      if (System.nanoTime() - f.end >= 0) { // a nested scope's own time is up
        skipFrame(f);
        continue;
      }
      Object n = f.stack.popOrClose();
      if (n == null) {
        leave(f);
      } else if (n instanceof Node.Nested nested) {
        enter(nested);
      } else {
        w.path = f.path;
        return n;
      }
    }
  }

  /** Makes the scope registered as {@code n} the innermost scope being run. */
  private void enter(Node.Nested n) {
    Frame outer = frame;
    for (Frame f = outer; f != null; f = f.outer) {
      if (f.stack == n.inner) {
        return; // a scope registered in a scope it holds: it is being run
      }
    }
    if (n.inner == stack) {
      return; // a scope registered in itself
    }
    long now = System.nanoTime();
    long limit =
        Math.min(
            (outer == null ? end : outer.end) - now,
            Durations.toNanos(((ExitScope) n.handler).getDeadline()));
    if (n.timeoutNanos > 0) {
      limit = Math.min(limit, n.timeoutNanos);
    }
    String path = childPath(outer == null ? "" : outer.path, n.name(true));
    frame = new Frame(n.inner, path.substring(0, path.length() - 1), path, now + limit, outer);
    n.inner.runStarted(); // the nested scope is running, as in an explicit run
  }

  /** The nested scope of {@code f} is done: the run goes on in the scope it is registered in. */
  private void leave(Frame f) {
    f.stack.runEnded();
    frame = f.outer;
  }

  /** A nested scope being run. Immutable. */
  private static final class Frame {
    final HandlerStack stack;

    /** The scope's name in reports: {@code plugin}, or {@code plugin/inner} when nested twice. */
    final String name;

    /** What the names of its handlers start with: {@code "plugin/"}, {@code "plugin/inner/"}. */
    final String path;

    final long end;
    final @Nullable Frame outer;

    Frame(HandlerStack stack, String name, String path, long end, @Nullable Frame outer) {
      this.stack = stack;
      this.name = name;
      this.path = path;
      this.end = end;
      this.outer = outer;
    }
  }

  /** Runs handlers until there are none left or the watchdog abandons it. */
  final class Worker extends Thread {
    /**
     * Handlers a call of {@link #step()} runs, at most. The JIT compiles a method after a few
     * hundred calls, but a loop only after tens of thousands of turns: a method a handler gets
     * compiled early, as the exit runs cold code. A method a handler, though, is also compiled
     * again by the optimising compiler after a few thousand calls, and the JVM's exit waits for
     * that compilation when it is under way: with 10,000 handlers it was, for longer than the run.
     * A method for a few handlers gets the first, early, and the second only with many more
     * handlers.
     */
    private static final int STEPS = 16;

    // Guarded by the monitor; read without it only by the worker itself.
    @Nullable Object current;
    String path = "";

    /** Handlers started, so that the watchdog tells one from the next without a clock. */
    int steps;

    /** When the current handler started; read only if {@link #clocked}. */
    long started;

    /** Whether {@link #started} was read: the handler has a timeout, or progress is reported. */
    boolean clocked;

    /** When the watchdog gives up on the current handler. */
    long limit;

    boolean finished;
    boolean abandoned;

    // Only the worker itself uses this one.
    private @Nullable Throwable failure;

    Worker(int number) {
      super(null, null, "exitscope-worker-" + number, 0, false);
      setDaemon(true);
      setContextClassLoader(null);
    }

    @Override
    public void run() {
      while (step()) {
        // a few handlers a call: see STEPS
      }
    }

    /**
     * Accounts for the handler that just ran and runs the next, {@link #STEPS} times at most; false
     * when there is none left. The common case (the last one succeeded, the next is a plain handler
     * of the outermost scope, and the listener wants no progress) takes this method only, kept
     * small: the JIT compiles it while the run goes on, and the JVM's exit waits for compilations
     * under way.
     */
    private boolean step() {
      for (int i = 0; i < STEPS; i++) {
        Object next;
        synchronized (monitor) {
          if (abandoned) {
            return false; // the watchdog has reported the handler that was running
          }
          Object ran = current;
          if ((ran != null && (failure != null || progress)) || frame != null) {
            next = null;
          } else {
            if (ran != null) {
              succeeded++;
            }
            next = stack.popOrCloseHeld(); // the monitor is this stack's lock
            // Not a plain handler: the end, or a node (arguments, a timeout, a scope). A node is
            // never an ExitHandler: this check loads no class, and a quick exit need not load Node.
            if (!(next instanceof ExitHandler)) {
              current = null;
              if (!start(next)) {
                return false;
              }
              next = castToNonNull(current);
            } else {
              limit = end;
              clocked = false;
              path = "";
              steps++;
              current = next;
            }
          }
        }
        if (next == null && (next = nextAfterReport()) == null) {
          return false;
        }
        if (isInterrupted()) { // a field read: cheaper, run cold, than Thread.interrupted()
          Thread.interrupted(); // a handler starts uninterrupted, whatever the last one did
        }
        if (progress) {
          post(new Event(Event.STARTED, path, next, null, 0));
        }
        failure = null;
        try {
          if (next instanceof ExitHandler plain) { // Node.invoke(next), without a call
            plain.run();
          } else {
            ((Node) next).invoke();
          }
        } catch (Throwable t) {
          failure = t;
        }
      }
      return true;
    }

    /**
     * The next handler when the last one is to be reported, or scopes are nested; null when there
     * is none.
     */
    private @Nullable Object nextAfterReport() {
      Object next;
      Event report;
      synchronized (monitor) {
        if (abandoned) {
          return null;
        }
        Object ran = current;
        report = ran == null ? null : account(ran);
        next = report == null ? startNext() : null;
      }
      if (report == null) {
        return next;
      }
      Reporter r;
      synchronized (monitor) {
        r = reporter();
      }
      r.post(report);
      if (report.kind == Event.FAILED) {
        r.awaitInOrder(report); // stderr shows it before what the next handler prints
      }
      synchronized (monitor) {
        return abandoned ? null : startNext();
      }
    }

    /** Counts the handler that ran; returns its report, if any. Called holding the monitor. */
    private @Nullable Event account(Object ran) {
      Throwable f = failure;
      current = null;
      if (f == null) {
        succeeded++;
        return progress
            ? new Event(Event.FINISHED, path, ran, null, System.nanoTime() - started)
            : null;
      }
      if (f instanceof HandlerTimeoutException t) {
        timedOut++;
        return new Event(Event.CANCELLED, path, ran, t.getStackTrace(), t.afterNanos());
      }
      failed++;
      return new Event(Event.FAILED, path, ran, f, 0);
    }

    /**
     * Pops the next handler and makes it the running one; null when there is none. Called holding
     * the monitor.
     */
    private @Nullable Object startNext() {
      return start(popNext(this)) ? current : null;
    }

    /**
     * Makes {@code n}, just popped, the running handler, with its limit; a nested scope is entered
     * and the next handler popped. When there is none, the worker is finished and this returns
     * false. Called holding the monitor.
     */
    private boolean start(@Nullable Object n) {
      if (n instanceof Node.Nested nested) {
        enter(nested);
        n = popNext(this);
      }
      if (n == null) {
        finished = true;
        monitor.notifyAll();
        return false;
      }
      long timeout = Node.timeoutNanos(n);
      Frame f = frame;
      long frameEnd = f == null ? end : f.end;
      clocked = timeout > 0 || progress;
      if (clocked) {
        started = System.nanoTime();
      }
      limit = timeout > 0 && timeout < frameEnd - started ? started + timeout : frameEnd;
      steps++;
      current = n;
      if (limit != end) {
        monitor.notifyAll(); // the watchdog may need to wake earlier than it planned
      }
      return true;
    }
  }
}
