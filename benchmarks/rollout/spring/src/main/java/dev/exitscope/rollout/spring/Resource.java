// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout.spring;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The resource a replica registers before its server starts, as a connection pool would be: it
 * counts the requests in flight, and says when it is closed with how many were, and when a request
 * ends after it was closed (BENCHMARKS.md, "The replica protocol").
 */
public final class Resource implements AutoCloseable {
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closed;

  void begin() {
    inFlight.incrementAndGet();
  }

  void end() {
    inFlight.decrementAndGet();
    if (closed) {
      System.out.println("ROLLOUT LATE");
    }
  }

  @Override
  public void close() {
    closed = true;
    System.out.println("ROLLOUT RESOURCE inflight=" + inFlight.get());
  }
}
