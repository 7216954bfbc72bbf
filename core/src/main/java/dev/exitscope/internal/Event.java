// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import static dev.exitscope.internal.Nulls.castToNonNull;

import dev.exitscope.ExitListener;
import dev.exitscope.ExitSummary;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One report of a run at exit, on its way to the listener. It holds the registrations themselves,
 * not their names: a name may be user code ({@code toString}), so only the reporter thread computes
 * it. A plain class rather than lambdas: the run at exit must not pay for spinning lambda classes,
 * nor for loading a class per kind of event.
 */
final class Event {
  static final int RUN_STARTED = 0;
  static final int STARTED = 1;
  static final int FINISHED = 2;
  static final int FAILED = 3;
  static final int TIMED_OUT = 4;
  static final int CALLED_EXIT = 5;
  static final int SKIPPED = 6;
  static final int RUN_FINISHED = 7;

  /** A line of exitscope's own for {@code System.err} only (the detail is the text). */
  static final int NOTE = 8;

  /**
   * A handler that enforces its own timeout (a suspend handler) was cancelled at it: a timeout to
   * listeners, told apart on {@code System.err}, since nothing was interrupted or abandoned.
   */
  static final int CANCELLED = 9;

  /** The listener did not return in its share of time (the detail is the listener). */
  static final int LISTENER_HUNG = 10;

  /** The listener threw (the detail is the listener and what it threw). */
  static final int LISTENER_THREW = 11;

  final int kind;

  /** The scope's name for run events; the handler's path ({@code "plugin/"}) for handler events. */
  final String where;

  /** The handler, for handler events: a stack's entry, a plain handler or a {@link Node}. */
  final @Nullable Object node;

  /**
   * The failure, the stack, the skipped handlers (a list of {@link Skipped}), the summary, the
   * count or the text.
   */
  final @Nullable Object detail;

  final long nanos;

  /** Use no user code to name or describe anything: an earlier try got stuck in it. */
  boolean safe;

  /** For {@code System.err} only: the listener hung on it, or is stuck. */
  boolean stderrOnly;

  /** Delivered, or given up on; guarded by the run's monitor. */
  boolean done;

  Event(int kind, String where, @Nullable Object node, @Nullable Object detail, long nanos) {
    this.kind = kind;
    this.where = where;
    this.node = node;
    this.detail = detail;
    this.nanos = nanos;
  }

  static Event note(String text) {
    Event e = new Event(NOTE, "", null, text, 0);
    e.stderrOnly = true;
    return e;
  }

  /** A line about the listener itself, for {@code System.err} only. */
  static Event aboutListener(int kind, ExitListener listener, @Nullable Throwable thrown) {
    Event e = new Event(kind, "", null, new @Nullable Object[] {listener, thrown}, 0);
    e.stderrOnly = true;
    return e;
  }

  /** Whether {@code System.err} must hear of it, whatever the listener does. */
  boolean isProblem() {
    return kind == FAILED
        || kind == TIMED_OUT
        || kind == CANCELLED
        || kind == CALLED_EXIT
        || kind == SKIPPED
        || kind == NOTE
        || kind == LISTENER_HUNG
        || kind == LISTENER_THREW;
  }

  /**
   * The handler's name, or the names of the skipped ones (a list that names each as it is read);
   * user code unless {@link #safe}.
   */
  @SuppressWarnings("unchecked")
  Object names() {
    if (kind == SKIPPED) {
      return Skipped.names((List<Skipped>) castToNonNull(detail), safe);
    }
    Object n = node;
    return n == null ? where : where + Node.name(n, safe);
  }

  /** Calls the listener; {@code names} is what {@link #names()} gave. */
  @SuppressWarnings("unchecked")
  void to(ExitListener l, Object names) {
    switch (kind) {
      case RUN_STARTED -> l.runStarted(where, (Integer) castToNonNull(detail));
      case STARTED -> l.handlerStarted((String) names);
      case FINISHED -> l.handlerFinished((String) names, Duration.ofNanos(nanos));
      case FAILED -> l.handlerFailed((String) names, (Throwable) castToNonNull(detail));
      case TIMED_OUT, CANCELLED ->
          l.handlerTimedOut(
              (String) names, Duration.ofNanos(nanos), (StackTraceElement[]) castToNonNull(detail));
      case CALLED_EXIT ->
          l.handlerCalledExit((String) names, (StackTraceElement[]) castToNonNull(detail));
      case SKIPPED -> l.handlersSkipped(where, (List<String>) names);
      case RUN_FINISHED -> l.runFinished(where, (ExitSummary) castToNonNull(detail));
      default -> {} // a note is for System.err only
    }
  }

  /**
   * The text {@code System.err} shows, or {@code ""} for an event it does not show; a skipped
   * report names handlers until {@code until} ({@link System#nanoTime()}) at most.
   */
  @SuppressWarnings("unchecked")
  String text(Object names, long until) {
    return switch (kind) {
      case FAILED -> StderrReporter.failed((String) names, (Throwable) castToNonNull(detail), safe);
      case TIMED_OUT ->
          StderrReporter.timedOut(
              (String) names, nanos, (StackTraceElement[]) castToNonNull(detail));
      case CANCELLED ->
          StderrReporter.cancelled(
              (String) names, nanos, (StackTraceElement[]) castToNonNull(detail));
      case CALLED_EXIT ->
          StderrReporter.calledExit((String) names, (StackTraceElement[]) castToNonNull(detail));
      case SKIPPED -> Skipped.text(where, (List<Skipped>) castToNonNull(detail), safe, until);
      case NOTE -> castToNonNull(detail) + System.lineSeparator();
      case LISTENER_HUNG, LISTENER_THREW -> listenerText();
      default -> "";
    };
  }

  private String listenerText() {
    @Nullable Object[] about = (@Nullable Object[]) castToNonNull(detail);
    String text = "exitscope: exit listener " + Names.describe(castToNonNull(about[0]), safe);
    Object thrown = about[1];
    return (thrown == null
            ? text
                + " did not return within its share of time ("
                + Reporter.SHARE_MILLIS
                + " ms, less near the deadline); it is not called again in this run"
            : text + " threw " + Names.describe(thrown, safe))
        + System.lineSeparator();
  }
}
