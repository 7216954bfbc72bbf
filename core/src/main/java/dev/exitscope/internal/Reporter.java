// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import dev.exitscope.ExitListener;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The reporting path of one run at exit. Reports are user code or I/O (a listener, a handler's
 * {@code toString}, {@code System.err}), so neither the watchdog nor a worker makes them: they post
 * {@link Event}s to a queue, and a reporter thread delivers them. The watchdog gives up on a
 * delivery step (naming, the listener, a write) that takes longer than its share, as it gives up on
 * a hung handler, and the next reporter thread goes on from there:
 *
 * <ul>
 *   <li>stuck naming or formatting: the event is delivered again without user code;
 *   <li>stuck in the listener: the listener is not called again in this run, and problems go to
 *       {@code System.err} instead;
 *   <li>stuck writing to {@code System.err} (its lock held by an abandoned handler, say), or {@code
 *       System.err} throws: the text goes to the process's stderr file descriptor directly;
 *   <li>stuck writing to that descriptor (a pipe nobody reads): nothing more can be written, and
 *       later reports are dropped and counted.
 * </ul>
 *
 * <p>Problems (failures, timeouts, exit calls, skipped handlers) reach {@code System.err} whatever
 * the listener does: a listener that throws or hangs on one, and {@link LoggerReporter}s that copy
 * problems, have them written there as well. All state is guarded by the run's monitor.
 */
final class Reporter {
  /** How long one step of a delivery may take before the watchdog gives up on it. */
  static final long SHARE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /**
   * How long a worker waits for the report of its handler's failure before the next handler, so
   * that stderr shows it where Python would; only while no delivery has been given up on.
   */
  static final long ORDER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** How many reports may wait before a worker posting progress waits for room. */
  private static final int CAPACITY = 256;

  private static final int NAMING = 0;
  private static final int LISTENING = 1;
  private static final int FORMATTING = 2;
  private static final int WRITING_ERR = 3;
  private static final int WRITING_FD = 4;

  private static final int TO_SYSTEM_ERR = 0;
  private static final int TO_FD = 1;
  private static final int TO_NOTHING = 2;

  private final Object monitor;
  private final ExitListener listener;
  private final boolean listenerIsStderr;
  private final boolean copyProblems;
  private final ArrayDeque<Event> queue = new ArrayDeque<>();

  private @Nullable Thread thread;
  private int threads;
  private @Nullable Event current;
  private int stage;
  private long since;

  /** The listener hung, or its time (the deadline) is over: it is not called again. */
  private boolean listenerOff;

  private boolean gaveUp;
  private int sink = TO_SYSTEM_ERR;
  private int dropped;
  private boolean closing;

  /**
   * @param listener null for the default, {@link StderrReporter}; chosen here, not by the run: that
   *     would make verifying the run's class load {@code ExitListener} at every exit
   */
  Reporter(Object monitor, @Nullable ExitListener listener) {
    this.monitor = monitor;
    this.listener = listener != null ? listener : StderrReporter.INSTANCE;
    this.listenerIsStderr = this.listener instanceof StderrReporter;
    this.copyProblems = listener instanceof LoggerReporter l && l.copiesProblemsToStderr();
  }

  /**
   * Queues {@code e} for delivery. Never blocks on a report: with {@code mayWait}, a full queue is
   * waited on for at most a share, after which the event is dropped and counted.
   */
  void post(Event e, boolean mayWait) {
    synchronized (monitor) {
      if (mayWait && queue.size() >= CAPACITY) {
        long until = System.nanoTime() + SHARE_NANOS;
        for (long left; queue.size() >= CAPACITY && (left = until - System.nanoTime()) > 0; ) {
          ExitRun.await(monitor, left);
        }
        if (queue.size() >= CAPACITY) {
          drop(e);
          return;
        }
      }
      queue.addLast(e);
      if (thread == null) {
        startThread();
      }
      monitor.notifyAll();
    }
  }

  /**
   * Waits until {@code e} is delivered, for at most {@link #ORDER_NANOS}, unless a delivery was
   * given up on in this run: a slow reporting path must not eat the handlers' time.
   */
  void awaitInOrder(Event e) {
    synchronized (monitor) {
      long until = System.nanoTime() + ORDER_NANOS;
      for (long left; !e.done && !gaveUp && (left = until - System.nanoTime()) > 0; ) {
        ExitRun.await(monitor, left);
      }
    }
  }

  /** Reports dropped so far. */
  int dropped() {
    synchronized (monitor) {
      return dropped;
    }
  }

  /** When the watchdog must look at the delivery under way; {@code Long.MAX_VALUE} for never. */
  long nextCheck() {
    return current == null ? Long.MAX_VALUE : since + SHARE_NANOS;
  }

  /**
   * Gives up on the delivery step under way if it took its share, and carries on with a new
   * reporter thread; called by the watchdog holding the monitor.
   *
   * @return the thread given up on, for the caller to interrupt without the monitor; or null
   */
  @Nullable Thread giveUpIfStuck(long now) {
    Event e = current;
    Thread stuck = thread;
    if (e == null || stuck == null || now - since < SHARE_NANOS) {
      return null;
    }
    giveUp(e, stage);
    return stuck;
  }

  /**
   * Stops calling the listener once the deadline has passed: from then on problems go to {@code
   * System.err} only, in the time the last reports have; a call under way is given up on.
   *
   * @return the thread given up on, for the caller to interrupt without the monitor; or null
   */
  private @Nullable Thread endListener() {
    listenerOff = true;
    Event e = current;
    Thread stuck = thread;
    if (e == null || stuck == null || listenerIsStderr || (stage != NAMING && stage != LISTENING)) {
      return null;
    }
    giveUp(e, LISTENING);
    return stuck;
  }

  /** Gives up on {@code e}, stuck at {@code step}, and carries on with a new reporter thread. */
  private void giveUp(Event e, int step) {
    thread = null;
    current = null;
    gaveUp = true;
    switch (step) {
      case NAMING, FORMATTING -> {
        e.safe = true;
        queue.addFirst(e);
      }
      case LISTENING -> {
        if (!listenerOff) {
          listenerOff = true;
          queue.addFirst(Event.aboutListener(Event.LISTENER_HUNG, listener, null));
        }
        if (e.isProblem()) {
          e.stderrOnly = true;
          queue.addFirst(e);
        } else {
          drop(e);
        }
      }
      case WRITING_ERR -> {
        sink = TO_FD;
        queue.addFirst(e);
      }
      default -> {
        sink = TO_NOTHING;
        drop(e);
      }
    }
    if (!queue.isEmpty()) {
      startThread();
    }
    monitor.notifyAll();
  }

  /**
   * Delivers what is queued, giving up on stuck steps: to the listener until {@code listenerEnd},
   * then problems to {@code System.err} only, until all is delivered or {@code hardEnd}; what is
   * left then is dropped and counted. Called once by the watchdog at the end of the run.
   *
   * @return whether the calling thread was interrupted meanwhile
   */
  boolean finish(long listenerEnd, long hardEnd) {
    boolean interrupted = drain(listenerEnd, hardEnd);
    int lost = dropped();
    if (lost > 0) {
      post(
          Event.note(
              "exitscope: "
                  + lost
                  + " exit report(s) could not be delivered in time and were dropped"),
          false);
      interrupted |= drain(listenerEnd, hardEnd);
    }
    synchronized (monitor) {
      closing = true;
      monitor.notifyAll();
    }
    return interrupted;
  }

  private boolean drain(long listenerEnd, long hardEnd) {
    boolean interrupted = false;
    while (true) {
      Thread stuck;
      synchronized (monitor) {
        long now = System.nanoTime();
        if (current == null && queue.isEmpty()) {
          return interrupted;
        }
        if (now - hardEnd >= 0) {
          stuck = thread;
          thread = null;
          drop(current);
          current = null;
          while (!queue.isEmpty()) {
            drop(queue.pollFirst());
          }
          monitor.notifyAll();
        } else {
          stuck = !listenerOff && now - listenerEnd >= 0 ? endListener() : giveUpIfStuck(now);
          if (stuck == null) {
            long wake = Math.min(nextCheck(), hardEnd);
            if (!listenerOff) {
              wake = Math.min(wake, listenerEnd);
            }
            interrupted |= ExitRun.await(monitor, wake - now);
            continue;
          }
        }
      }
      if (stuck != null) {
        stuck.interrupt();
      }
    }
  }

  private void drop(@Nullable Event e) {
    if (e != null) {
      dropped++;
      e.done = true;
    }
  }

  private void startThread() {
    Thread t =
        new Thread(null, null, "exitscope-reporter-" + ++threads, 0, false) {
          @Override
          public void run() {
            deliverAll(this);
          }
        };
    t.setDaemon(true);
    t.setContextClassLoader(null);
    thread = t;
    t.start();
  }

  private void deliverAll(Thread me) {
    while (true) {
      Event e;
      synchronized (monitor) {
        while (true) {
          if (thread != me) {
            return; // given up on
          }
          e = queue.pollFirst();
          if (e != null) {
            break;
          }
          if (closing) {
            thread = null;
            return;
          }
          ExitRun.await(monitor, Long.MAX_VALUE);
        }
        current = e;
        stage = NAMING;
        since = System.nanoTime();
      }
      Thread.interrupted(); // a handler interrupting its thread group must not fail a report
      try {
        deliver(me, e);
      } catch (Throwable ours) {
        // An error of our own making (out of memory): the event is lost, the thread goes on.
        synchronized (monitor) {
          dropped++;
        }
      }
      synchronized (monitor) {
        if (thread != me) {
          return;
        }
        current = null;
        e.done = true;
        monitor.notifyAll();
      }
    }
  }

  private void deliver(Thread me, Event e) {
    boolean toListener;
    synchronized (monitor) {
      toListener = !e.stderrOnly && !listenerIsStderr && !listenerOff;
      if (!toListener && !listenerIsStderr && !e.stderrOnly && !e.isProblem()) {
        dropped++; // progress the listener had no time for
        return;
      }
    }
    Object names = null;
    boolean threw = false;
    if (toListener) {
      if (!enter(me, NAMING)) {
        return;
      }
      names = e.names();
      if (!enter(me, LISTENING)) {
        return;
      }
      try {
        e.to(listener, names);
      } catch (Throwable t) {
        synchronized (monitor) { // told next: naming the listener is user code of its own
          if (thread != me) {
            return;
          }
          queue.addFirst(Event.aboutListener(Event.LISTENER_THREW, listener, t));
        }
        threw = true;
      }
      if (!threw && !(copyProblems && e.isProblem())) {
        return;
      }
    }
    if (!e.isProblem() || !enter(me, FORMATTING)) {
      return;
    }
    write(me, e.text(names != null ? names : e.names()));
  }

  /** Writes {@code text} to {@code System.err}, or to the stderr descriptor when that fails. */
  private void write(Thread me, String text) {
    int to;
    synchronized (monitor) {
      to = sink;
    }
    if (to == TO_SYSTEM_ERR) {
      if (!enter(me, WRITING_ERR)) {
        return;
      }
      if (print(System.err, text)) {
        return;
      }
      synchronized (monitor) {
        sink = TO_FD;
      }
      to = TO_FD;
    }
    if (to == TO_FD) {
      if (!enter(me, WRITING_FD) || print(Stderr.FD, text)) {
        return;
      }
      synchronized (monitor) {
        sink = TO_NOTHING;
      }
    }
    synchronized (monitor) {
      dropped++;
    }
  }

  /** Starts a step; false if this thread has been given up on and must stop. */
  private boolean enter(Thread me, int step) {
    synchronized (monitor) {
      if (thread != me) {
        return false;
      }
      stage = step;
      since = System.nanoTime();
      return true;
    }
  }

  private static boolean print(@Nullable PrintStream out, String text) {
    try {
      if (out == null || out.checkError()) {
        return false;
      }
      out.print(text);
      out.flush();
      return !out.checkError();
    } catch (Throwable broken) {
      return false;
    }
  }

  /**
   * The process's stderr, not behind {@code System.err}'s lock; loaded only when {@code System.err}
   * has failed.
   */
  private static final class Stderr {
    static final PrintStream FD =
        new PrintStream(new FileOutputStream(FileDescriptor.err), false, charset());

    private static Charset charset() {
      String name = System.getProperty("stderr.encoding"); // JDK 19+
      try {
        return name != null ? Charset.forName(name) : Charset.defaultCharset();
      } catch (RuntimeException unknown) {
        return Charset.defaultCharset();
      }
    }
  }
}
