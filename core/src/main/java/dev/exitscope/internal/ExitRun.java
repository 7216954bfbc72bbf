// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import static dev.exitscope.internal.Nulls.castToNonNull;

import dev.exitscope.ExitListener;
import dev.exitscope.ExitSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One bounded run at exit. The calling thread (the hook thread) is the watchdog: handlers run one
 * after another, newest first, on a worker thread, and the watchdog gives up on a worker whose
 * handler passes its timeout or the deadline, or is stuck in a {@code System.exit} call; the next
 * handler then runs on a new worker. When the deadline is reached the handlers not run are reported
 * and the stack is closed, so {@link #run()} returns on time.
 *
 * <p>A handler given up on is interrupted once and abandoned: its daemon thread may go on until the
 * JVM halts, and nothing it does afterwards is reported.
 */
public final class ExitRun {
  /** How often the watchdog looks at a running handler for a {@code System.exit} call. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final String scope;
  private final HandlerStack stack;
  private final ExitListener listener;
  private final ExitHook hook;
  private final long deadlineNanos;

  /** Whether the listener wants started/finished events (the default one does not). */
  private final boolean progress;

  /**
   * Guards the run's state. It is the stack's own lock, so that accounting for one handler and
   * popping the next take one lock, not two: that is most of the cost of a handler at exit. Only
   * this run waits on it.
   */
  private final Object monitor;

  private final ReentrantLock reporting = new ReentrantLock();
  private long end;
  private int succeeded;
  private int failed;
  private int timedOut;
  private int workers;

  public ExitRun(
      String scope, HandlerStack stack, Duration deadline, ExitListener listener, ExitHook hook) {
    this.scope = scope;
    this.stack = stack;
    this.monitor = stack;
    this.listener = listener;
    this.hook = hook;
    this.deadlineNanos = Durations.toNanos(deadline);
    this.progress = !(listener instanceof StderrReporter);
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
    end = start + Math.min(deadlineNanos, Long.MAX_VALUE / 2);
    int handlers = stack.size();
    report(new Event(Event.RUN_STARTED, scope, handlers, 0));
    List<Node> skipped = List.of();
    Worker w = startWorker();
    long lastLook = start;
    watch:
    while (true) {
      Node current;
      long ran;
      boolean timeout;
      synchronized (monitor) {
        while (true) {
          if (w.finished) {
            break watch;
          }
          long now = System.nanoTime();
          current = w.current;
          ran = now - w.started;
          timeout = now - w.limit() >= 0;
          if (timeout) {
            w.abandoned = true;
            if (current != null) {
              timedOut++;
            }
            break;
          }
          if (current != null && ran >= POLL_NANOS && now - lastLook >= POLL_NANOS) {
            lastLook = now;
            break; // a long-running handler: look at its stack for an exit call
          }
          waitNanos(Math.min(w.limit() - now, POLL_NANOS));
        }
      }
      StackTraceElement[] at = w.getStackTrace();
      if (timeout) {
        w.interrupt();
        if (current != null) {
          String name = current.name();
          report(new Event(Event.TIMED_OUT, name, at, ran));
        }
        if (System.nanoTime() - end >= 0) {
          skipped = stack.closeAndDrain();
          break;
        }
        w = startWorker();
      } else if (hook.isStuckInExit(at)) {
        synchronized (monitor) {
          if (w.finished || current == null || w.current != current) {
            continue;
          }
          w.abandoned = true;
          failed++;
        }
        String name = current.name();
        report(new Event(Event.CALLED_EXIT, name, at, 0));
        w = startWorker();
      }
    }
    if (!skipped.isEmpty()) {
      List<String> names = new ArrayList<>(skipped.size());
      for (Node n : skipped) {
        names.add(n.name());
      }
      report(new Event(Event.SKIPPED, scope, names, 0));
    }
    ExitSummary summary;
    synchronized (monitor) {
      summary =
          new ExitSummary(
              succeeded,
              failed,
              timedOut,
              skipped.size(),
              Duration.ofNanos(System.nanoTime() - start));
    }
    report(new Event(Event.RUN_FINISHED, scope, summary, 0));
  }

  private Worker startWorker() {
    Worker w = new Worker(++workers);
    w.start();
    return w;
  }

  private void waitNanos(long nanos) {
    try {
      TimeUnit.NANOSECONDS.timedWait(monitor, Math.max(nanos, 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // keep watching: the exit must finish
    }
  }

  /**
   * Calls the listener, one call at a time. A listener that blocks cannot hold the exit past the
   * deadline: a report that cannot start by then (and at least 100 ms) is dropped.
   */
  private void report(Event event) {
    long wait = Math.max(end - System.nanoTime(), POLL_NANOS);
    boolean locked;
    try {
      locked = reporting.tryLock(wait, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      return; // an abandoned worker: it no longer reports
    }
    if (!locked) {
      return;
    }
    try {
      event.to(listener);
    } catch (Throwable t) {
      System.err.println("exitscope: exit listener " + listener + " threw " + t);
    } finally {
      reporting.unlock();
    }
  }

  /** Runs handlers until the stack is empty or the watchdog abandons it. */
  final class Worker extends Thread {
    // Guarded by monitor; read without it only by the worker itself or for a hint.
    volatile @Nullable Node current;
    volatile long started;
    volatile long limit;
    boolean finished;
    boolean abandoned;

    Worker(int number) {
      super(null, null, "exitscope-worker-" + number, 0, false);
      setDaemon(true);
      setContextClassLoader(null);
      limit = end;
    }

    /** When the watchdog gives up: the current handler's limit, or the deadline between two. */
    long limit() {
      return current == null ? end : limit;
    }

    // Only the worker itself uses these two.
    private @Nullable Node done; // the handler that just ran
    private @Nullable Throwable failure;

    @Override
    public void run() {
      while (step()) {
        // A method per handler, not a loop body: the JIT compiles a method after a few hundred
        // calls but a loop only after tens of thousands of turns, and the exit runs cold code.
      }
    }

    /** Accounts for the handler that just ran and runs the next; false when there is none. */
    private boolean step() {
      Node next;
      long took = 0;
      synchronized (monitor) {
        if (abandoned) {
          return false; // the watchdog has reported the handler that was running
        }
        if (done != null) {
          took = System.nanoTime() - started;
          if (failure == null) {
            succeeded++;
          } else if (failure instanceof HandlerTimeoutException) {
            timedOut++;
          } else {
            failed++;
          }
        }
        next = stack.popOrClose();
        if (next == null) {
          current = null;
        } else {
          start(next);
        }
      }
      Node ran = done;
      if (ran != null && (failure != null || progress)) {
        report(event(ran, failure, took));
        if (next != null) {
          synchronized (monitor) {
            start(next); // the report's time is not the handler's
          }
        }
      }
      if (next == null) {
        synchronized (monitor) {
          finished = true; // only now: the watchdog then reports the summary, after the last report
          monitor.notifyAll();
        }
        return false;
      }
      Thread.interrupted(); // a handler starts uninterrupted, whatever the last one did
      if (progress) {
        report(new Event(Event.STARTED, next.name(), null, 0));
      }
      failure = null;
      try {
        next.invoke();
      } catch (Throwable t) {
        failure = t;
      }
      done = next;
      return true;
    }

    private Event event(Node ran, @Nullable Throwable failure, long took) {
      if (failure instanceof HandlerTimeoutException t) {
        return new Event(Event.TIMED_OUT, ran.name(), t.getStackTrace(), t.afterNanos());
      }
      return new Event(failure != null ? Event.FAILED : Event.FINISHED, ran.name(), failure, took);
    }

    /** Makes {@code n} the running handler, with its limit; called holding the monitor. */
    private void start(Node n) {
      started = System.nanoTime();
      long timeout = n.timeoutNanos();
      limit = timeout > 0 && timeout < end - started ? started + timeout : end;
      current = n;
      if (timeout > 0) {
        monitor.notifyAll(); // the watchdog may need to wake earlier than it planned
      }
    }
  }

  /**
   * One call to the listener. A plain class rather than lambdas: the run at exit must not pay for
   * spinning lambda classes, nor for loading a class per kind of event.
   */
  private static final class Event {
    static final int RUN_STARTED = 0;
    static final int STARTED = 1;
    static final int FINISHED = 2;
    static final int FAILED = 3;
    static final int TIMED_OUT = 4;
    static final int CALLED_EXIT = 5;
    static final int SKIPPED = 6;
    static final int RUN_FINISHED = 7;

    private final int kind;

    /** The scope's name for run events, else the handler's. */
    private final String name;

    private final @Nullable Object detail;
    private final long nanos;

    Event(int kind, String name, @Nullable Object detail, long nanos) {
      this.kind = kind;
      this.name = name;
      this.detail = detail;
      this.nanos = nanos;
    }

    @SuppressWarnings("unchecked")
    void to(ExitListener l) {
      switch (kind) {
        case RUN_STARTED -> l.runStarted(name, (Integer) castToNonNull(detail));
        case STARTED -> l.handlerStarted(name);
        case FINISHED -> l.handlerFinished(name, Duration.ofNanos(nanos));
        case FAILED -> l.handlerFailed(name, (Throwable) castToNonNull(detail));
        case TIMED_OUT ->
            l.handlerTimedOut(
                name, Duration.ofNanos(nanos), (StackTraceElement[]) castToNonNull(detail));
        case CALLED_EXIT -> l.handlerCalledExit(name, (StackTraceElement[]) castToNonNull(detail));
        case SKIPPED -> l.handlersSkipped(name, (List<String>) castToNonNull(detail));
        case RUN_FINISHED -> l.runFinished(name, (ExitSummary) castToNonNull(detail));
        default -> throw new AssertionError(kind);
      }
    }
  }
}
