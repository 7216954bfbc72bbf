// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.spring;

import java.util.concurrent.atomic.AtomicInteger;

/** Stands for a database's connection pool: it must outlive every request. */
public final class ConnectionPool implements AutoCloseable {
  private final AtomicInteger queries = new AtomicInteger();
  private volatile boolean closed;

  /** Answers {@code sql}; fails once the pool is closed. */
  public String query(String sql) {
    if (closed) {
      throw new IllegalStateException("pool closed: " + sql);
    }
    return "42 (query " + queries.incrementAndGet() + ")";
  }

  @Override
  public void close() {
    closed = true;
    System.out.println(
        "pool closed after " + queries.get() + " queries, the last step of the exit");
  }
}
