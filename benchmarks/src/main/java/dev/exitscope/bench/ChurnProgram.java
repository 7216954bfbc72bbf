// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitScope;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Issue 21's per-call figures, one JVM, every variant side by side: {@code ChurnProgram churn
 * [rounds]}, {@code drain [n [rounds]]}, {@code colliding [n [rounds]]}. Each prints {@code key
 * value} lines (ns per call: the best round and the median of the rounds after the first half,
 * which warm up; by the wall clock and by the thread's CPU clock). Contention is {@link
 * ContentionProgram}.
 *
 * <p>Variants are interleaved: each round runs every variant once, in an order that rotates from
 * round to round, so that a burst of load on the shared machine falls on all of them alike.
 */
public final class ChurnProgram {
  private ChurnProgram() {}

  public static void main(String[] args) {
    switch (args[0]) {
      case "churn" -> churn(args.length > 1 ? Integer.parseInt(args[1]) : 10);
      case "drain" ->
          drain(
              args.length > 1 ? Integer.parseInt(args[1]) : 20_000,
              args.length > 2 ? Integer.parseInt(args[2]) : 15);
      case "colliding" ->
          colliding(
              args.length > 1 ? Integer.parseInt(args[1]) : 5_000,
              args.length > 2 ? Integer.parseInt(args[2]) : 5);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  /**
   * A request's resource: identity equality, as a stream or a channel has. One class for every
   * variant, so that each makes the same object per request.
   */
  static final class Resource implements AutoCloseable, ExitHandler {
    @Override
    public void close() {}

    @Override
    public void run() {}
  }

  /**
   * One steady state: {@code live} registrations, each pair adding a new one and removing the
   * oldest or a random one. Each kind has its own loop, so that no call site is shared between
   * kinds (a shared one would be megamorphic and cost every kind a virtual call).
   */
  abstract static class Steady {
    final String label;
    final Resource[] live;
    final boolean random;
    int next;
    int seed = 12345;

    Steady(String kind, int live, boolean random) {
      this.label = kind + "-" + live + (random ? "-random" : "-oldest");
      this.live = new Resource[live];
      this.random = random;
    }

    final Steady fill() {
      for (int i = 0; i < live.length; i++) {
        live[i] = new Resource();
        add(live[i]);
      }
      return this;
    }

    abstract void add(Resource r);

    /** {@code pairs} register+unregister pairs. */
    abstract void run(int pairs);

    /** The slot of {@link #live} to remove next: the oldest, or a random one. */
    final int victim() {
      if (random) {
        int x = seed; // xorshift: the same sequence for every kind
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        seed = x;
        return (x & Integer.MAX_VALUE) % live.length;
      }
      int k = next;
      next = k + 1 == live.length ? 0 : k + 1;
      return k;
    }

    static Steady of(String kind, int live, boolean random) {
      Steady s =
          switch (kind) {
            case "register" -> new Register(kind, live, random);
            case "closing" -> new Closing(kind, live, random);
            case "linkedHashSet" -> new Linked(kind, live, random);
            default -> throw new IllegalArgumentException(kind);
          };
      return s.fill();
    }
  }

  /** {@code register(r)} then {@code unregister(r)}. */
  static final class Register extends Steady {
    final ExitScope scope = ExitScope.create("churn");

    Register(String kind, int live, boolean random) {
      super(kind, live, random);
    }

    @Override
    void add(Resource r) {
      scope.register(r);
    }

    @Override
    void run(int pairs) {
      Resource[] l = live;
      for (int i = 0; i < pairs; i++) {
        Resource r = new Resource();
        scope.register(r);
        int k = victim();
        if (scope.unregister(l[k]) != 1) {
          throw new AssertionError("not removed");
        }
        l[k] = r;
      }
    }
  }

  /** {@code closing(r)} then {@code unregister(r)}: a request's resource. */
  static final class Closing extends Steady {
    final ExitScope scope = ExitScope.create("churn");

    Closing(String kind, int live, boolean random) {
      super(kind, live, random);
    }

    @Override
    void add(Resource r) {
      scope.closing(r);
    }

    @Override
    void run(int pairs) {
      Resource[] l = live;
      for (int i = 0; i < pairs; i++) {
        Resource r = scope.closing(new Resource());
        int k = victim();
        if (scope.unregister(l[k]) != 1) {
          throw new AssertionError("not removed");
        }
        l[k] = r;
      }
    }
  }

  /** The floor: a synchronized {@code LinkedHashSet}'s add then remove. */
  static final class Linked extends Steady {
    final Set<Resource> set = Collections.synchronizedSet(new LinkedHashSet<>());

    Linked(String kind, int live, boolean random) {
      super(kind, live, random);
    }

    @Override
    void add(Resource r) {
      set.add(r);
    }

    @Override
    void run(int pairs) {
      Resource[] l = live;
      for (int i = 0; i < pairs; i++) {
        Resource r = new Resource();
        set.add(r);
        int k = victim();
        if (!set.remove(l[k])) {
          throw new AssertionError("not removed");
        }
        l[k] = r;
      }
    }
  }

  static void churn(int rounds) {
    int pairs = 200_000;
    for (int live : new int[] {10, 10_000}) {
      for (boolean random : new boolean[] {false, true}) {
        List<Steady> variants = new ArrayList<>();
        List<Rounds> times = new ArrayList<>();
        for (String kind : List.of("register", "closing", "linkedHashSet")) {
          Steady v = Steady.of(kind, live, random);
          variants.add(v);
          times.add(new Rounds("churn-" + v.label, rounds));
        }
        for (int round = 0; round < rounds; round++) {
          for (int k = 0; k < variants.size(); k++) {
            int v = (k + round) % variants.size();
            Steady steady = variants.get(v);
            times.get(v).time(round, pairs, () -> steady.run(pairs));
          }
        }
        times.forEach(Rounds::print);
      }
    }
  }

  /** Equal by key, as the other programs' {@code Keyed}. */
  record Keyed(int key) implements ExitHandler {
    @Override
    public void run() {}
  }

  /**
   * Unregister by equality at {@code n}: register {@code n}, then unregister each, oldest first, by
   * an equal new object; per unregister. CPython's {@code exit_program.py drain} does the same.
   */
  static void drain(int n, int rounds) {
    Rounds times = new Rounds("drain-" + n, rounds);
    for (int round = 0; round < rounds; round++) {
      ExitScope scope = ExitScope.create("drain");
      for (int i = 0; i < n; i++) {
        scope.register(new Keyed(i));
      }
      times.time(
          round,
          n,
          () -> {
            for (int i = 0; i < n; i++) {
              if (scope.unregister(new Keyed(i)) != 1) {
                throw new AssertionError("not removed: " + i);
              }
            }
          });
    }
    times.print();
  }

  /** A common mistake: equal by key, one hash code for all. Not {@code Comparable}. */
  static final class Colliding implements ExitHandler {
    final int key;

    Colliding(int key) {
      this.key = key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Colliding c && c.key == key;
    }

    @Override
    public int hashCode() {
      return 42;
    }

    @Override
    public void run() {}
  }

  /**
   * {@code n} handlers with one hash code, registered, then each unregistered one by one, oldest
   * first; against a {@code HashSet}'s remove of the same keys (which treeifies the bucket, but
   * with keys that are not comparable still searches it). Per removal, interleaved rounds.
   */
  static void colliding(int n, int rounds) {
    Colliding[] keys = new Colliding[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new Colliding(i);
    }
    Rounds scopeTimes = new Rounds("colliding-exitscope-" + n, rounds);
    Rounds setTimes = new Rounds("colliding-hashSet-" + n, rounds);
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < 2; k++) {
        if ((k + round) % 2 == 0) {
          ExitScope s = ExitScope.create("colliding");
          for (Colliding c : keys) {
            s.register(c);
          }
          scopeTimes.time(
              round,
              n,
              () -> {
                for (Colliding c : keys) {
                  if (s.unregister(c) != 1) {
                    throw new AssertionError("not removed");
                  }
                }
              });
        } else {
          Set<Colliding> h = new HashSet<>();
          Collections.addAll(h, keys);
          setTimes.time(
              round,
              n,
              () -> {
                for (Colliding c : keys) {
                  if (!h.remove(c)) {
                    throw new AssertionError("not removed");
                  }
                }
              });
        }
      }
    }
    scopeTimes.print();
    setTimes.print();
  }

  /**
   * One variant's rounds, each timed by the wall clock and by the thread's CPU clock (which does
   * not count the time the thread waited for a processor: on a loaded machine the steadier one).
   */
  static final class Rounds {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    final String label;
    final double[] wall;
    final double[] cpu;

    Rounds(String label, int rounds) {
      this.label = label;
      this.wall = new double[rounds];
      this.cpu = new double[rounds];
    }

    /** Runs {@code body}, {@code ops} operations, as round {@code round}: ns per operation. */
    void time(int round, int ops, Runnable body) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      body.run();
      long t1 = System.nanoTime();
      long c1 = THREADS.getCurrentThreadCpuTime();
      wall[round] = (t1 - t0) / (double) ops;
      cpu[round] = (c1 - c0) / (double) ops;
    }

    /**
     * {@code label-best}, {@code label-median}, and the same for the CPU clock ({@code
     * label-cpu-…}), over the rounds after the first half, which warm up.
     */
    void print() {
      print(label, wall);
      print(label + "-cpu", cpu);
    }

    private static void print(String label, double[] ns) {
      double[] warm = Arrays.copyOfRange(ns, ns.length / 2, ns.length);
      Arrays.sort(warm);
      System.out.println(label + "-best " + warm[0]);
      System.out.println(label + "-median " + warm[warm.length / 2]);
    }
  }
}
