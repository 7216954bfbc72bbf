// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client-side round-robin balancer over an endpoint list, as a service mesh or kube-proxy keeps
 * one: endpoints are added once ready and removed some time after their pod got SIGTERM. In {@code
 * keepalive} mode it keeps the clients' idle connections and closes those to an endpoint when it
 * leaves the list; a connection in use is closed when its request ends.
 */
final class Balancer {
  /** One replica's address; {@code removed} once it left the list. */
  static final class Endpoint {
    final int port;
    volatile boolean removed;

    Endpoint(int port) {
      this.port = port;
    }

    @Override
    public String toString() {
      return "127.0.0.1:" + port;
    }
  }

  private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();

  /** The idle kept-alive connections of every client, by endpoint ({@code keepalive} mode). */
  private final Map<Endpoint, List<Http.Conn>> idle = new ConcurrentHashMap<>();

  void add(Endpoint e) {
    endpoints.add(e);
  }

  /** Takes {@code e} out of the list and closes the idle connections to it. */
  void remove(Endpoint e) {
    e.removed = true;
    endpoints.remove(e);
    List<Http.Conn> conns = idle.remove(e);
    if (conns != null) {
      synchronized (conns) {
        conns.forEach(Http.Conn::close);
        conns.clear();
      }
    }
  }

  /** The next endpoint in round-robin order. */
  Endpoint pick() {
    while (true) {
      List<Endpoint> now = new ArrayList<>(endpoints);
      if (!now.isEmpty()) {
        return now.get(Math.floorMod(next.getAndIncrement(), now.size()));
      }
      Thread.onSpinWait();
    }
  }

  /** An idle kept-alive connection to {@code e}, or null. */
  Http.Conn takeIdle(Endpoint e) {
    List<Http.Conn> conns = idle.get(e);
    if (conns == null) {
      return null;
    }
    synchronized (conns) {
      return conns.isEmpty() ? null : conns.remove(conns.size() - 1);
    }
  }

  /** Keeps {@code c} for a later request, unless its endpoint has left the list. */
  void giveBack(Http.Conn c) {
    if (c.endpoint.removed) {
      c.close();
      return;
    }
    List<Http.Conn> conns = idle.computeIfAbsent(c.endpoint, k -> new ArrayList<>());
    synchronized (conns) {
      conns.add(c);
    }
    if (c.endpoint.removed) { // removed meanwhile: remove() may have missed it
      remove(c.endpoint);
    }
  }
}
