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
 * context's close: readiness turns to {@code REFUSING_TRAFFIC} at once, and the server keeps
 * serving for the pre-wait, every response asking its client to close the connection, while load
 * balancers stop routing here. At its end the connections left idle are closed, before graceful
 * shutdown stops accepting requests: a client that kept one (a pool, a long-lived connection
 * through kube-proxy) reconnects elsewhere on its next request, which HTTP/1.1 lets it retry.
 * Closing them at the end rather than at the start leaves a client's pool intact while this replica
 * still serves: a client retrying once on another pooled connection to it would find that one
 * closed too.
 *
 * <p>The wait is at most half of what is left of the deadline, so the close keeps the other half. A
 * pre-wait of zero registers nothing. Removed when the context closes outside the exit.
 */
public final class PreWait
    implements ExitHandler, ApplicationListener<ApplicationReadyEvent>, DisposableBean {
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
    Duration half = ExitScope.timeLeft().dividedBy(2);
    Thread.sleep((preWait.compareTo(half) < 0 ? preWait : half).toMillis());
    closeIdleConnections.run();
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
