// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.spring.boot.internal;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitScope;
import dev.exitscope.Registration;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * The pre-wait, an exit step named {@code spring pre-wait}, registered when the application is
 * ready, so that at exit it runs before the handlers beans registered while starting and before the
 * context's close: readiness turns to {@code REFUSING_TRAFFIC} at once, idle connections are
 * closed, and the server keeps serving, every response asking its client to close the connection,
 * for the pre-wait, while load balancers stop routing here. Idle connections are closed again every
 * {@value #SWEEP_MILLIS} ms and at the end, for those whose last response began before the exit.
 *
 * <p>The wait is at most half of what is left of the deadline, so the close keeps the other half. A
 * pre-wait of zero registers nothing. Removed when the context closes outside the exit.
 */
public final class PreWait
    implements ExitHandler, ApplicationListener<ApplicationReadyEvent>, DisposableBean {
  private static final long SWEEP_MILLIS = 100;

  private final Duration preWait;
  private final ReadinessSwitch readiness;
  private final Runnable closeIdleConnections;
  private volatile @Nullable Registration registration;

  /**
   * A pre-wait of {@code preWait}, turning {@code readiness}, with {@code closeIdleConnections}
   * closing the server's idle connections (or nothing, where the server is not known).
   */
  public PreWait(Duration preWait, ReadinessSwitch readiness, Runnable closeIdleConnections) {
    this.preWait = preWait;
    this.readiness = readiness;
    this.closeIdleConnections = closeIdleConnections;
  }

  @Override
  public synchronized void onApplicationEvent(ApplicationReadyEvent event) {
    if (registration == null && !preWait.isZero()) {
      registration = ExitScope.global().push(toString(), this);
    }
  }

  @Override
  public void run() throws InterruptedException {
    readiness.refuseTraffic();
    closeIdleConnections.run();
    Duration half = ExitScope.timeLeft().dividedBy(2);
    long end = System.nanoTime() + (preWait.compareTo(half) < 0 ? preWait : half).toNanos();
    for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
      Thread.sleep(Math.min(SWEEP_MILLIS, Math.max(1, left / 1_000_000)));
      closeIdleConnections.run();
    }
  }

  /** Removes the step when the context closes outside the exit; at exit it has already run. */
  @Override
  public void destroy() {
    Registration r = registration;
    if (r != null) {
      r.unregister();
    }
  }

  @Override
  public String toString() {
    return "spring pre-wait";
  }
}
