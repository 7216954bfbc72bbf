// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitScope;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * The programs the harness runs once each, one JVM each: {@code memory exitscope|jdk N}, {@code
 * first}, {@code ops}. Each prints {@code key value} lines. The timed exits are {@link
 * ExitProgram}.
 */
public final class OpsProgram {
  static final ExitHandler NOOP = () -> {};
  static final Runnable NOOP_RUNNABLE = () -> {};

  public static void main(String[] args) {
    switch (args[0]) {
      case "memory" -> memory(args[1], Integer.parseInt(args[2]));
      case "first" -> first();
      case "ops" -> ops();
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  /** Heap retained per registration of one handler object, after GC. */
  static void memory(String kind, int n) {
    Object keep;
    long before = usedAfterGc();
    if (kind.equals("exitscope")) {
      ExitScope scope = ExitScope.create("memory");
      for (int i = 0; i < n; i++) {
        scope.register(NOOP);
      }
      keep = scope;
    } else {
      Thread[] hooks =
          new Thread[n]; // the hooks themselves are retained by the JDK; the array is not counted
      long arrayBytes = 16L + 4L * n;
      for (int i = 0; i < n; i++) {
        hooks[i] = new Thread(NOOP_RUNNABLE);
        Runtime.getRuntime().addShutdownHook(hooks[i]);
      }
      before += arrayBytes;
      keep = hooks;
    }
    long after = usedAfterGc();
    System.out.println("bytes-per-registration " + (after - before) / (double) n);
    System.out.println("kept " + keep.hashCode() % 2);
    if (kind.equals("jdk")) {
      Runtime.getRuntime().halt(0); // do not time the exit of the hooks here
    }
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  /** The first registration of the JVM: class loading and hook installation included. */
  static void first() {
    long t0 = System.nanoTime();
    ExitScope.global().register(NOOP);
    long t1 = System.nanoTime();
    Runtime.getRuntime().addShutdownHook(new Thread(NOOP_RUNNABLE));
    long t2 = System.nanoTime();
    System.out.println("first-register-us " + (t1 - t0) / 1_000.0);
    System.out.println("first-jdk-hook-us " + (t2 - t1) / 1_000.0);
  }

  /** Per-call costs, medians of rounds after a warm-up, as CPython's script measures them. */
  static void ops() {
    System.out.println(
        "register-ns "
            + median(
                7,
                () -> {
                  int batch = 1_000;
                  int batches = 1_000;
                  long took = 0;
                  for (int b = 0; b < batches; b++) {
                    ExitScope scope = ExitScope.create("ops");
                    long t0 = System.nanoTime();
                    for (int i = 0; i < batch; i++) {
                      scope.register(NOOP);
                    }
                    took += System.nanoTime() - t0;
                  }
                  return took / (double) (batch * batches);
                }));
    for (int registered : new int[] {1_000, 20_000, 100_000, 1_000_000}) {
      ExitScope scope = ExitScope.create("ops");
      Keyed[] keys = new Keyed[registered];
      for (int i = 0; i < registered; i++) {
        keys[i] = new Keyed(i);
        scope.register(keys[i]);
      }
      usedAfterGc(); // the steady state of handlers registered long ago: promoted, not being copied
      System.out.println(
          "unregister-ns-"
              + registered
              + " "
              + unregisterCost(scope, keys, i -> (i * 7919) % registered));
      int hot = registered / 2;
      System.out.println(
          "unregister-same-key-ns-" + registered + " " + unregisterCost(scope, keys, i -> hot));
    }
  }

  /**
   * Median ns of {@code unregister(new Keyed(k))}, which must remove one, plus the {@code register}
   * that restores it, for k = {@code keyOf(call)}.
   */
  private static double unregisterCost(ExitScope scope, Keyed[] keys, IntUnaryOperator keyOf) {
    int calls = 200_000;
    return median(
        7,
        () -> {
          long t0 = System.nanoTime();
          for (int i = 0; i < calls; i++) {
            int k = keyOf.applyAsInt(i);
            if (scope.unregister(new Keyed(k)) != 1) {
              throw new AssertionError("not found: " + k);
            }
            scope.register(keys[k]);
          }
          return (System.nanoTime() - t0) / (double) calls;
        });
  }

  record Keyed(int key) implements ExitHandler {
    @Override
    public void run() {}
  }

  private interface Round {
    double run();
  }

  private static double median(int rounds, Round round) {
    round.run(); // warm-up
    double[] r = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      r[i] = round.run();
    }
    Arrays.sort(r);
    return r[rounds / 2];
  }
}
