// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The rolling-deploy simulation: for each variant in turn, R replicas behind a client-side
 * round-robin balancer, C clients sending continuously, and K rollouts. A rollout replaces every
 * replica, one at a time, as a Kubernetes Deployment with maxSurge 1 and maxUnavailable 0 does:
 * start the new one, add it to the endpoints once it is ready, send SIGTERM to the old one, and
 * take the old one out of the endpoints D ms later (the propagation delay). It ends with one line
 * per variant: {@code rollout VARIANT: F failed of N requests; SIGTERM-to-exit median X ms}.
 *
 * <p>Loopback only; every loop is bounded in time; every replica is killed when the harness ends.
 */
public final class Rollout {
  private Rollout() {}

  /** How long one variant's traffic may run at most, whatever happens. */
  private static final long MAX_RUN_NANOS = TimeUnit.MINUTES.toNanos(8);

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Map<String, Variant> table = Variant.read(o.table, o.root);
    List<String> names = o.variants.isEmpty() ? new ArrayList<>(table.keySet()) : o.variants;
    for (String n : names) {
      if (!table.containsKey(n)) {
        throw new IllegalArgumentException("unknown variant " + n + "; known: " + table.keySet());
      }
    }
    Files.createDirectories(o.out);
    Replica.pidFile(o.out.resolve("replicas.pid"));
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> Replica.ALL.forEach(Process::destroyForcibly)));
    System.out.printf(
        "rollout: replicas %d, clients %d, delay %d ms, pre-wait %d ms, rollouts %d, conn %s,"
            + " %d%% of requests %d ms, timeout %d ms; load %s%n",
        o.replicas,
        o.clients,
        o.delayMs,
        o.preWaitMs,
        o.rollouts,
        o.conn,
        o.slowPercent,
        o.slowMs,
        o.timeoutMs,
        load());
    List<String> summary = new ArrayList<>();
    for (String n : names) {
      Stats s = run(table.get(n), o);
      List<Long> exits = s.sortedExits();
      System.out.printf(
          "  %s: %d requests, failed: %s; retried (idle connection closed): %d; SIGTERM-to-exit"
              + " ms of %d old replicas: %s; resource closed after the last request it served:"
              + " %d of %d%s%n",
          n,
          s.requests(),
          s.failures(),
          s.retried.get(),
          exits.size(),
          exits,
          s.resourceOk.get(),
          s.oldReplicas.get(),
          s.problems.isEmpty() ? "" : "; problems: " + s.problems);
      summary.add(
          String.format(
              "rollout %s: %d failed of %d requests; SIGTERM-to-exit median %d ms",
              n, s.failed(), s.requests(), s.medianExit()));
    }
    System.out.println("rollout: load at the end " + load());
    summary.forEach(System.out::println);
  }

  /** One variant: its replicas, its clients, its rollouts. */
  private static Stats run(Variant v, Options o) throws Exception {
    Stats stats = new Stats();
    Balancer balancer = new Balancer();
    Path logs = Files.createDirectories(o.out.resolve(v.name));
    List<Replica> live = new ArrayList<>();
    for (int i = 0; i < o.replicas; i++) {
      live.add(new Replica(v, o, logs));
    }
    List<Balancer.Endpoint> endpoints = new ArrayList<>();
    for (Replica r : live) {
      Balancer.Endpoint e = new Balancer.Endpoint(r.ready.get(60, TimeUnit.SECONDS));
      endpoints.add(e);
      balancer.add(e);
    }
    long end = System.nanoTime() + MAX_RUN_NANOS;
    List<Client> clients = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < o.clients; i++) {
      Client c = new Client(balancer, stats, o, 1000L * i + 17, end);
      clients.add(c);
      Thread t = new Thread(c, "client-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    List<Replica> old = new ArrayList<>();
    Thread.sleep(500); // traffic settles on the first replicas
    for (int k = 0; k < o.rollouts && System.nanoTime() < end; k++) {
      for (int i = 0; i < o.replicas && System.nanoTime() < end; i++) {
        Replica fresh = new Replica(v, o, logs);
        Balancer.Endpoint e = new Balancer.Endpoint(fresh.ready.get(60, TimeUnit.SECONDS));
        balancer.add(e);
        Replica leaving = live.set(i, fresh);
        Balancer.Endpoint gone = endpoints.set(i, e);
        leaving.sigterm();
        old.add(leaving);
        Thread.sleep(o.delayMs);
        balancer.remove(gone);
        // Paces the replacements so that the run sends at least --min-requests, spread over it.
        long due =
            (long) o.minRequests * (k * o.replicas + i + 1) / ((long) o.rollouts * o.replicas);
        for (int waited = 0;
            stats.requests() < due && waited < 200 && System.nanoTime() < end;
            waited++) {
          Thread.sleep(100);
        }
      }
    }
    Thread.sleep(500); // the last old replica's exit under traffic
    for (Replica r : old) {
      long ms = r.awaitExitMillis(60_000);
      stats.oldReplicas.incrementAndGet();
      if (ms < 0) {
        stats.problems.add(r.name + " did not exit within 60 s of SIGTERM: killed");
        continue;
      }
      stats.exitMillis.add(ms);
      if (r.resourceClosedAfterLastRequest()) {
        stats.resourceOk.incrementAndGet();
      }
    }
    clients.forEach(Client::stop);
    for (Thread t : threads) {
      t.join(o.timeoutMs + 5_000L);
    }
    for (Replica r : live) {
      r.sigterm();
    }
    for (Replica r : live) {
      if (!r.process.waitFor(20, TimeUnit.SECONDS)) {
        r.kill();
      }
    }
    return stats;
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "unknown";
    }
  }
}
