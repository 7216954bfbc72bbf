package dev.exitscope.internal;

import dev.exitscope.ExitListener;
import dev.exitscope.ExitSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One bounded run at exit. The calling thread (the hook thread) is the watchdog: handlers run one
 * after another, newest first, on a worker thread, and the watchdog gives up on a worker whose
 * handler passes its timeout or the deadline, or is stuck in a {@code System.exit} call; the next
 * handler then runs on a new worker. When the deadline is reached the handlers not run are
 * reported and the stack is closed, so {@link #run()} returns on time.
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

  private final Object monitor = new Object();
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
    return t instanceof Worker ? Math.max(0, ((Worker) t).limit - System.nanoTime()) : Long.MAX_VALUE;
  }

  /** Runs every handler, or as many as the deadline allows, and closes the stack. */
  public void run() {
    long start = System.nanoTime();
    end = start + Math.min(deadlineNanos, Long.MAX_VALUE / 2);
    int handlers = stack.size();
    report(l -> l.runStarted(scope, handlers));
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
          Duration after = Duration.ofNanos(ran);
          report(l -> l.handlerTimedOut(name, after, at));
        }
        if (System.nanoTime() - end >= 0) {
          skipped = stack.closeAndDrain();
          break;
        }
        w = startWorker();
      } else if (hook.isStuckInExit(at)) {
        synchronized (monitor) {
          if (w.finished || w.current != current) {
            continue;
          }
          w.abandoned = true;
          failed++;
        }
        String name = current.name();
        report(l -> l.handlerCalledExit(name, at));
        w = startWorker();
      }
    }
    if (!skipped.isEmpty()) {
      List<String> names = new ArrayList<>(skipped.size());
      for (Node n : skipped) {
        names.add(n.name());
      }
      report(l -> l.handlersSkipped(scope, names));
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
    report(l -> l.runFinished(scope, summary));
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
  private void report(Consumer<ExitListener> event) {
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
      event.accept(listener);
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

    @Override
    public void run() {
      while (true) {
        Node n;
        synchronized (monitor) {
          if (abandoned) {
            return;
          }
          n = stack.popOrClose();
          if (n == null) {
            finished = true;
            monitor.notifyAll();
            return;
          }
          started = System.nanoTime();
          long timeout = n.timeoutNanos();
          limit = timeout > 0 && timeout < end - started ? started + timeout : end;
          current = n;
          if (timeout > 0) {
            monitor.notifyAll(); // the watchdog may need to wake earlier than it planned
          }
        }
        Thread.interrupted(); // a handler starts uninterrupted, whatever the last one did
        if (progress) {
          String name = n.name();
          report(l -> l.handlerStarted(name));
        }
        Throwable failure = null;
        try {
          n.invoke();
        } catch (Throwable t) {
          failure = t;
        }
        long took;
        synchronized (monitor) {
          if (abandoned) {
            return; // the watchdog has reported this handler
          }
          current = null;
          took = System.nanoTime() - started;
          if (failure == null) {
            succeeded++;
          } else {
            failed++;
          }
        }
        if (failure != null) {
          Throwable f = failure;
          String name = n.name();
          report(l -> l.handlerFailed(name, f));
        } else if (progress) {
          String name = n.name();
          report(l -> l.handlerFinished(name, Duration.ofNanos(took)));
        }
      }
    }
  }
}
