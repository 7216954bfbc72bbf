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
 * {@link Event}s to a queue, which never blocks them, and a reporter thread delivers them. The
 * watchdog gives up on a delivery step (naming, the listener, a write) that takes longer than its
 * share, as it gives up on a hung handler, and the next reporter thread goes on from there:
 *
 * <ul>
 *   <li>stuck naming or formatting: the event is delivered again with safe names (no user code);
 *   <li>stuck in the listener: the listener is not called again in this run, and problems go to
 *       {@code System.err} instead;
 *   <li>stuck writing to {@code System.err} (its lock held by an abandoned handler, say), or {@code
 *       System.err} throws: the text goes to the process's stderr file descriptor directly;
 *   <li>stuck writing to that descriptor (a pipe nobody reads): nothing more can be written, and
 *       later reports are dropped and counted.
 * </ul>
 *
 * <h2>The pace of reports</h2>
 *
 * Posting never waits: a listener slower than the handlers does not slow them. Progress (a handler
 * started or finished) waits in the queue only while fewer than {@value #CAPACITY} progress reports
 * do; past that, and once the listener's time is over, the listener does not hear it, and it is
 * counted. Problems (failures, timeouts, exit calls, skipped handlers) are always queued, and reach
 * {@code System.err} whatever the listener does: a listener that throws or hangs on one, or has no
 * time left for it, and {@link LoggerReporter}s that copy problems, have them written there.
 *
 * <h2>The end of the exit: the one place that decides its budget</h2>
 *
 * With the deadline at {@code D} and the handlers done at {@code R} (at most {@code D}):
 *
 * <ul>
 *   <li>a delivery step is given up on after {@value #SHARE_MILLIS} ms, or at {@code D +} {@value
 *       #LATE_SHARE_MILLIS} ms if that is sooner; one that starts after {@code D} has {@value
 *       #LATE_SHARE_MILLIS} ms. Past {@code D}, names are the safe {@code Type@hash} ones from the
 *       start: no user code runs but the listener;
 *   <li>the listener is called until {@code R +} {@value #LISTENER_TAIL_MILLIS} ms or {@code D +}
 *       {@value #LISTENER_GRACE_MILLIS} ms, whichever is sooner; then what it has not heard is
 *       counted, and the problems among it go to {@code System.err};
 *   <li>problems are written until {@code D +} {@value #NOTE_AT_MILLIS} ms; what is left then is
 *       dropped and counted;
 *   <li>the last {@value #NOTE_MILLIS} ms, to {@code D +} {@value #GRACE_MILLIS} ms, are kept for
 *       the closing note that counts what was not delivered, on a fresh reporter thread if the last
 *       one is stuck.
 * </ul>
 *
 * So whatever a listener, a name or {@code System.err} does, the last report is written by {@code D
 * +} {@value #GRACE_MILLIS} ms. All state is guarded by the run's monitor.
 */
final class Reporter {
  static final long SHARE_MILLIS = 500;
  static final long LATE_SHARE_MILLIS = 100;
  static final long LISTENER_TAIL_MILLIS = 1000;
  static final long LISTENER_GRACE_MILLIS = 200;
  static final long NOTE_AT_MILLIS = 400;
  static final long GRACE_MILLIS = 500;
  static final long NOTE_MILLIS = GRACE_MILLIS - NOTE_AT_MILLIS;

  /**
   * How long a worker waits for the report of its handler's failure before the next handler, so
   * that stderr shows it where Python would; only while the reporting path keeps up.
   */
  static final long ORDER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** How many progress reports may wait for the listener; more are not heard, and counted. */
  static final int CAPACITY = 256;

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

  /** The run's deadline ({@link System#nanoTime()}): past it, names are safe and steps short. */
  private final long deadline;

  private final ArrayDeque<Event> queue = new ArrayDeque<>();
  private int queuedProgress;

  private @Nullable Thread thread;
  private int threads;
  private @Nullable Event current;
  private int stage;
  private long since;

  /** The listener hung, or its time is over: it is not called again. */
  private boolean listenerOff;

  private boolean gaveUp;

  /** A wait for the order of stderr timed out: no worker waits again until the queue is empty. */
  private boolean behind;

  private int sink = TO_SYSTEM_ERR;

  /** Progress the listener did not hear. */
  private int unheard;

  /** Problems that could not be written anywhere. */
  private int dropped;

  private boolean closing;

  /**
   * @param listener null for the default, {@link StderrReporter}; chosen here, not by the run: that
   *     would make verifying the run's class load {@code ExitListener} at every exit
   * @param deadline the run's deadline, as {@link System#nanoTime()}
   */
  Reporter(Object monitor, @Nullable ExitListener listener, long deadline) {
    this.monitor = monitor;
    this.listener = listener != null ? listener : StderrReporter.INSTANCE;
    this.listenerIsStderr = this.listener instanceof StderrReporter;
    this.copyProblems = listener instanceof LoggerReporter l && l.copiesProblemsToStderr();
    this.deadline = deadline;
  }

  /** Queues {@code e} for delivery; never waits (see "The pace of reports"). */
  void post(Event e) {
    synchronized (monitor) {
      if (!e.isProblem() && e.kind != Event.RUN_FINISHED) {
        if (listenerOff || queuedProgress >= CAPACITY) {
          unheard++;
          return;
        }
        queuedProgress++;
      }
      queue.addLast(e);
      if (thread == null) {
        startThread();
      }
      monitor.notifyAll();
    }
  }

  /**
   * Waits until {@code e} is delivered, for at most {@link #ORDER_NANOS}, unless the reporting path
   * has fallen behind: it never eats more than that of the handlers' time before it catches up.
   */
  void awaitInOrder(Event e) {
    synchronized (monitor) {
      long until = System.nanoTime() + ORDER_NANOS;
      for (long left; !e.done && !gaveUp && !behind; ) {
        if ((left = until - System.nanoTime()) <= 0) {
          behind = true;
          return;
        }
        ExitRun.await(monitor, left);
      }
    }
  }

  /** Reports not delivered so far: progress the listener did not hear, problems dropped. */
  int unreported() {
    synchronized (monitor) {
      return unheard + dropped;
    }
  }

  /** When the watchdog must look at the delivery under way; {@code Long.MAX_VALUE} for never. */
  long nextCheck() {
    return current == null ? Long.MAX_VALUE : stepEnd(since);
  }

  /** When a step that started at {@code start} is given up on. */
  private long stepEnd(long start) {
    long normal = start + TimeUnit.MILLISECONDS.toNanos(SHARE_MILLIS);
    long late =
        (start - deadline >= 0 ? start : deadline)
            + TimeUnit.MILLISECONDS.toNanos(LATE_SHARE_MILLIS);
    return normal - late < 0 ? normal : late;
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
    if (e == null || stuck == null || now - stepEnd(since) < 0) {
      return null;
    }
    giveUp(e, stage);
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
        stopListener();
        if (e.isProblem()) {
          e.stderrOnly = true;
          queue.addFirst(e);
        } else {
          miss(e);
        }
      }
      case WRITING_ERR -> {
        sink = TO_FD;
        queue.addFirst(e);
      }
      default -> {
        sink = TO_NOTHING;
        miss(e);
      }
    }
    if (!queue.isEmpty()) {
      startThread();
    }
    monitor.notifyAll();
  }

  /** The listener is not called again in this run; says so on stderr if it hung. */
  private void stopListener() {
    if (!listenerOff && !listenerIsStderr) {
      queue.addFirst(Event.aboutListener(Event.LISTENER_HUNG, listener, null));
    }
    listenerOff = true;
  }

  /**
   * Delivers what is queued, giving up on stuck steps, within the budget described above, then the
   * closing note if anything was not delivered. Called once by the watchdog, when the handlers are
   * done.
   *
   * @return whether the calling thread was interrupted meanwhile
   */
  boolean finish() {
    long handlersDone = System.nanoTime();
    long listenerEnd =
        Math.min(
            handlersDone + TimeUnit.MILLISECONDS.toNanos(LISTENER_TAIL_MILLIS),
            deadline + TimeUnit.MILLISECONDS.toNanos(LISTENER_GRACE_MILLIS));
    boolean interrupted =
        drain(listenerEnd, deadline + TimeUnit.MILLISECONDS.toNanos(NOTE_AT_MILLIS));
    String note;
    synchronized (monitor) {
      note = closingNote();
      if (note != null) {
        queue.addLast(Event.note(note));
        if (thread == null) {
          startThread();
        }
        monitor.notifyAll();
      }
    }
    if (note != null) {
      interrupted |= drain(listenerEnd, deadline + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS));
    }
    synchronized (monitor) {
      closing = true;
      monitor.notifyAll();
    }
    return interrupted;
  }

  /** What the closing note says, or null when everything was delivered. Holding the monitor. */
  private @Nullable String closingNote() {
    if (unheard + dropped == 0) {
      return null;
    }
    String text =
        "exitscope: "
            + Names.count(unheard + dropped)
            + " exit report(s) could not be delivered in time and were dropped";
    if (unheard > 0) {
      text +=
          " ("
              + Names.count(unheard)
              + " of them progress the exit listener "
              + Names.describe(listener, true)
              + " had no time for; problems it missed went to stderr)";
    }
    return text;
  }

  /**
   * Delivers until the queue is empty or {@code end}: to the listener until {@code listenerEnd},
   * then problems to {@code System.err} only; what is left at {@code end} is counted as lost.
   */
  private boolean drain(long listenerEnd, long end) {
    boolean interrupted = false;
    while (true) {
      Thread stuck;
      synchronized (monitor) {
        long now = System.nanoTime();
        if (current == null && queue.isEmpty()) {
          return interrupted;
        }
        if (now - end >= 0) {
          stuck = thread;
          thread = null;
          if (current != null && stage == WRITING_ERR) {
            sink = TO_FD; // the stuck thread may hold System.err's lock: the note goes around it
          } else if (current != null && stage == WRITING_FD) {
            sink = TO_NOTHING;
          }
          if (current != null) {
            miss(current);
            current = null;
          }
          while (!queue.isEmpty()) {
            miss(queue.pollFirst());
          }
          monitor.notifyAll();
        } else if (!listenerOff && now - listenerEnd >= 0) {
          stuck = endListener();
        } else {
          stuck = giveUpIfStuck(now);
          if (stuck == null) {
            long wake = Math.min(nextCheck(), end);
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

  /**
   * The listener's time is over: it is not called again, a call under way is given up on, and what
   * it has not heard is counted; problems go to {@code System.err} only.
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
    thread = null;
    current = null;
    if (e.isProblem()) {
      e.stderrOnly = true;
      queue.addFirst(e);
    } else {
      miss(e);
    }
    startThread();
    monitor.notifyAll();
    return stuck;
  }

  /** Counts {@code e} as not delivered: progress unheard, or a problem dropped. */
  private void miss(@Nullable Event e) {
    if (e != null) {
      if (e.isProblem()) {
        dropped++;
      } else {
        unheard++;
      }
      delivered(e);
    }
  }

  /** Marks {@code e} as done with. Holding the monitor. */
  private void delivered(Event e) {
    e.done = true;
    if (!e.isProblem() && e.kind != Event.RUN_FINISHED) {
      queuedProgress--;
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
          behind = false; // caught up
          if (closing) {
            thread = null;
            return;
          }
          ExitRun.await(monitor, Long.MAX_VALUE);
        }
        current = e;
        stage = NAMING;
        since = System.nanoTime();
        if (since - deadline >= 0) {
          e.safe = true; // past the deadline: no user code but the listener
        }
      }
      Thread.interrupted(); // a handler interrupting its thread group must not fail a report
      boolean delivered;
      try {
        delivered = deliver(me, e);
      } catch (Throwable ours) {
        // An error of our own making (out of memory): the event is lost, the thread goes on.
        delivered = false;
      }
      synchronized (monitor) {
        if (thread != me) {
          return;
        }
        current = null;
        if (delivered) {
          delivered(e);
        } else {
          miss(e);
        }
        monitor.notifyAll();
      }
    }
  }

  /** Delivers {@code e}; false if it reached nobody. */
  private boolean deliver(Thread me, Event e) {
    boolean toListener;
    synchronized (monitor) {
      toListener = !e.stderrOnly && !listenerIsStderr && !listenerOff;
      if (!toListener && !listenerIsStderr && !e.stderrOnly && !e.isProblem()) {
        return false; // progress the listener has no time for
      }
    }
    Object names = null;
    if (toListener) {
      if (!enter(me, NAMING)) {
        return true;
      }
      names = e.names();
      if (!enter(me, LISTENING)) {
        return true;
      }
      boolean threw = false;
      try {
        e.to(listener, names);
      } catch (Throwable t) {
        synchronized (monitor) { // told next: naming the listener is user code of its own
          if (thread != me) {
            return true;
          }
          queue.addFirst(Event.aboutListener(Event.LISTENER_THREW, listener, t));
        }
        threw = true;
      }
      if (!threw && !(copyProblems && e.isProblem())) {
        return true;
      }
    }
    if (!e.isProblem() || !enter(me, FORMATTING)) {
      return true;
    }
    // A skipped report names handlers for a bounded time, well within this step's share.
    long now = System.nanoTime();
    long until = Math.min(now + Skipped.NAMING_NANOS, stepEnd(now) - Skipped.NAMING_NANOS / 2);
    return write(me, e.text(names != null ? names : e.names(), until));
  }

  /**
   * Writes {@code text} to {@code System.err}, or to the stderr descriptor when that fails; false
   * if it could be written nowhere.
   */
  private boolean write(Thread me, String text) {
    int to;
    synchronized (monitor) {
      to = sink;
    }
    if (to == TO_SYSTEM_ERR) {
      if (!enter(me, WRITING_ERR)) {
        return true;
      }
      if (print(System.err, text)) {
        return true;
      }
      synchronized (monitor) {
        sink = TO_FD;
      }
      to = TO_FD;
    }
    if (to == TO_FD) {
      if (!enter(me, WRITING_FD) || print(Stderr.FD, text)) {
        return true;
      }
      synchronized (monitor) {
        sink = TO_NOTHING;
      }
    }
    return false;
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
