// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

import dev.exitscope.ExitScope;
import dev.exitscope.bench.ChurnProgram.Resource;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Issue 21's contention figures, one JVM: {@code ContentionProgram [ms per cell [rounds]]}. With 1,
 * 2, 4 and 8 threads on one shared registry, each thread registers a new resource and unregisters
 * the one it registered {@value #PER_THREAD} pairs before (a request's resource, with requests
 * overlapping), on top of {@value #PREFILLED} registrations that stay. Registries: one {@code
 * ExitScope} ({@code register}, then {@code unregister}), a {@code ConcurrentHashMap}'s put and
 * remove, and a synchronized {@code LinkedHashSet}. Prints {@code contention-<kind>-<threads>-best}
 * and {@code -median}: pairs per microsecond, all threads together, over the rounds after the first
 * (a warm-up). Each round runs every kind and thread count once, in an order rotating by round.
 */
public final class ContentionProgram {
  static final int PER_THREAD = 8;
  static final int PREFILLED = 1_000;
  static final int[] THREADS = {1, 2, 4, 8};
  static final List<String> KINDS = List.of("exitscope", "concurrentHashMap", "linkedHashSet");

  private ContentionProgram() {}

  public static void main(String[] args) throws InterruptedException {
    int ms = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    int cells = KINDS.size() * THREADS.length;
    double[][] rates = new double[cells][rounds];
    for (int round = 0; round <= rounds; round++) {
      for (int k = 0; k < cells; k++) {
        int cell = (k + round) % cells;
        double rate = run(KINDS.get(cell / THREADS.length), THREADS[cell % THREADS.length], ms);
        if (round > 0) {
          rates[cell][round - 1] = rate;
        }
      }
    }
    for (int cell = 0; cell < cells; cell++) {
      double[] r = rates[cell].clone();
      Arrays.sort(r);
      String label =
          "contention-" + KINDS.get(cell / THREADS.length) + "-" + THREADS[cell % THREADS.length];
      System.out.println(label + "-best " + r[r.length - 1]);
      System.out.println(label + "-median " + r[r.length / 2]);
    }
  }

  /**
   * One thread's pairs on a shared registry. Each kind has its own loop, so that no call site is
   * shared between kinds (a shared one would be megamorphic and cost every kind a virtual call).
   */
  abstract static class Pairs {
    final Resource[] mine = new Resource[PER_THREAD];

    /** Registers this thread's first resources. */
    abstract void fill();

    /** Pairs until {@link #stop}; how many. */
    abstract long run();
  }

  static Pairs pairs(String kind, Object registry) {
    return switch (kind) {
      case "exitscope" ->
          new Pairs() {
            final ExitScope scope = (ExitScope) registry;

            @Override
            void fill() {
              for (int i = 0; i < PER_THREAD; i++) {
                scope.register(mine[i] = new Resource());
              }
            }

            @Override
            long run() {
              long n = 0;
              for (int i = 0; !stop; i = i + 1 == PER_THREAD ? 0 : i + 1, n++) {
                Resource r = new Resource();
                scope.register(r);
                scope.unregister(mine[i]);
                mine[i] = r;
              }
              return n;
            }
          };
      case "concurrentHashMap" ->
          new Pairs() {
            @SuppressWarnings("unchecked")
            final Map<Resource, Boolean> map = (Map<Resource, Boolean>) registry;

            @Override
            void fill() {
              for (int i = 0; i < PER_THREAD; i++) {
                map.put(mine[i] = new Resource(), Boolean.TRUE);
              }
            }

            @Override
            long run() {
              long n = 0;
              for (int i = 0; !stop; i = i + 1 == PER_THREAD ? 0 : i + 1, n++) {
                Resource r = new Resource();
                map.put(r, Boolean.TRUE);
                map.remove(mine[i]);
                mine[i] = r;
              }
              return n;
            }
          };
      case "linkedHashSet" ->
          new Pairs() {
            @SuppressWarnings("unchecked")
            final Set<Resource> set = (Set<Resource>) registry;

            @Override
            void fill() {
              for (int i = 0; i < PER_THREAD; i++) {
                set.add(mine[i] = new Resource());
              }
            }

            @Override
            long run() {
              long n = 0;
              for (int i = 0; !stop; i = i + 1 == PER_THREAD ? 0 : i + 1, n++) {
                Resource r = new Resource();
                set.add(r);
                set.remove(mine[i]);
                mine[i] = r;
              }
              return n;
            }
          };
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** A registry of {@code kind} holding {@value #PREFILLED} registrations that stay. */
  static Object registry(String kind) {
    switch (kind) {
      case "exitscope" -> {
        ExitScope scope = ExitScope.create("contention");
        for (int i = 0; i < PREFILLED; i++) {
          scope.register(new Resource());
        }
        scope.unregister(new Object()); // makes the hash index, as a first unregister would
        return scope;
      }
      case "concurrentHashMap" -> {
        Map<Resource, Boolean> map = new ConcurrentHashMap<>();
        for (int i = 0; i < PREFILLED; i++) {
          map.put(new Resource(), Boolean.TRUE);
        }
        return map;
      }
      case "linkedHashSet" -> {
        Set<Resource> set = Collections.synchronizedSet(new LinkedHashSet<>());
        for (int i = 0; i < PREFILLED; i++) {
          set.add(new Resource());
        }
        return set;
      }
      default -> throw new IllegalArgumentException(kind);
    }
  }

  private static volatile boolean stop;

  /** {@code threads} threads doing pairs for {@code ms}: pairs per microsecond in all. */
  static double run(String kind, int threads, int ms) throws InterruptedException {
    Object registry = registry(kind);
    long[] pairs = new long[threads];
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    Thread[] workers = new Thread[threads];
    stop = false;
    for (int t = 0; t < threads; t++) {
      int id = t;
      Pairs p = pairs(kind, registry);
      workers[t] =
          new Thread(
              () -> {
                p.fill();
                ready.countDown();
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                pairs[id] = p.run();
              });
      workers[t].start();
    }
    ready.await();
    long t0 = System.nanoTime();
    go.countDown();
    Thread.sleep(ms);
    stop = true;
    for (Thread w : workers) {
      w.join();
    }
    long took = System.nanoTime() - t0;
    return Arrays.stream(pairs).sum() / (took / 1e3);
  }
}
