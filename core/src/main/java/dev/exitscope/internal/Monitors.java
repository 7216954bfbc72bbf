package dev.exitscope.internal;

import java.util.concurrent.TimeUnit;

/** Waiting on a monitor at exit, where an interrupt must never turn a wait into a spin. */
final class Monitors {
  private Monitors() {}

  /**
   * Waits on {@code monitor}, which the caller holds, for at most {@code nanos} (no wait if not
   * positive). An interrupt ends the wait early and is returned, not kept: the interrupt status is
   * clear afterwards, so the caller's next wait blocks again.
   *
   * @return whether the wait was interrupted
   */
  static boolean await(Object monitor, long nanos) {
    if (nanos <= 0) {
      return false;
    }
    try {
      TimeUnit.NANOSECONDS.timedWait(monitor, nanos);
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }
}
