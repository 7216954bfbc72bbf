// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.spring.boot.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The client ports of the connections that have a request in progress, as {@link
 * ConnectionCloseFilter} sees them: what {@link TomcatIdleConnections} must not close. Keyed by the
 * remote port alone, which proxies' forwarded headers leave alone (Tomcat's {@code RemoteIpValve}
 * rewrites the address, not the port): two clients on one port only keep an idle connection open,
 * never close a busy one. Holds one entry per request in progress, nothing after. Thread-safe.
 */
public final class InFlightConnections {
  private final ConcurrentHashMap<Integer, Integer> requests = new ConcurrentHashMap<>();

  /** An empty set. */
  public InFlightConnections() {}

  void started(int remotePort) {
    requests.merge(remotePort, 1, Integer::sum);
  }

  void ended(int remotePort) {
    requests.computeIfPresent(remotePort, (port, count) -> count == 1 ? null : count - 1);
  }

  /** Whether a request from {@code remotePort} is in progress. */
  boolean has(int remotePort) {
    return requests.containsKey(remotePort);
  }
}
