// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout;

import java.util.SplittableRandom;

/**
 * One client sending requests back to back until told to stop: most fast, some slow. How it holds
 * connections is the {@code --conn} mode:
 *
 * <ul>
 *   <li>{@code close}: one connection per request ({@code Connection: close}).
 *   <li>{@code keepalive}: kept-alive connections held by the balancer, dropped when their replica
 *       leaves the endpoints.
 *   <li>{@code sticky}: one connection used for every request until the server closes it or asks to
 *       ({@code Connection: close}), whether or not its replica is still in the endpoints (a
 *       long-lived connection through plain kube-proxy); then a new one to the next endpoint.
 * </ul>
 *
 * A request is retried only where HTTP/1.1 allows it: a reused connection closed before any byte of
 * the response (the server closed it while idle). Everything else counts as failed.
 */
final class Client implements Runnable {
  private final Balancer balancer;
  private final Stats stats;
  private final String mode;
  private final int timeoutMs;
  private final int slowMs;
  private final int slowPercent;
  private final long endNanos;
  private final SplittableRandom random;
  private volatile boolean stop;
  private Http.Conn sticky;

  Client(Balancer balancer, Stats stats, Options o, long seed, long endNanos) {
    this.balancer = balancer;
    this.stats = stats;
    this.mode = o.conn;
    this.timeoutMs = o.timeoutMs;
    this.slowMs = o.slowMs;
    this.slowPercent = o.slowPercent;
    this.endNanos = endNanos;
    this.random = new SplittableRandom(seed);
  }

  void stop() {
    stop = true;
  }

  @Override
  public void run() {
    try {
      while (!stop && System.nanoTime() < endNanos) {
        String path = random.nextInt(100) < slowPercent ? "/slow?ms=" + slowMs : "/";
        stats.count(request(path));
      }
    } finally {
      if (sticky != null) {
        sticky.close();
      }
    }
  }

  /** One request, with at most one retry where HTTP/1.1 allows it. */
  private Http.Outcome request(String path) {
    Http.Outcome outcome = attempt(path);
    if (outcome == Http.Outcome.CLOSED_IDLE) {
      stats.retried.incrementAndGet();
      outcome = attempt(path);
      if (outcome == Http.Outcome.CLOSED_IDLE) {
        outcome = Http.Outcome.RESET; // not on a reused connection twice in a row
      }
    }
    return outcome;
  }

  private Http.Outcome attempt(String path) {
    Http.Outcome[] failed = new Http.Outcome[1];
    switch (mode) {
      case "close":
        {
          Http.Conn c = Http.open(balancer.pick(), timeoutMs, failed);
          if (c == null) {
            return failed[0];
          }
          try (c) {
            return Http.exchange(c, path, true);
          }
        }
      case "keepalive":
        {
          Balancer.Endpoint e = balancer.pick();
          Http.Conn c = balancer.takeIdle(e);
          if (c == null && (c = Http.open(e, timeoutMs, failed)) == null) {
            return failed[0];
          }
          Http.Outcome o = Http.exchange(c, path, false);
          if (o == Http.Outcome.OK && !c.closeRequested) {
            balancer.giveBack(c);
          } else {
            c.close();
          }
          return o;
        }
      default: // sticky
        {
          if (sticky == null && (sticky = Http.open(balancer.pick(), timeoutMs, failed)) == null) {
            return failed[0];
          }
          Http.Outcome o = Http.exchange(sticky, path, false);
          if (o != Http.Outcome.OK || sticky.closeRequested) {
            sticky.close();
            sticky = null;
          }
          return o;
        }
    }
  }
}
