// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitScope;
import dev.exitscope.bench.ChurnProgram.Colliding;
import dev.exitscope.bench.ChurnProgram.Resource;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 21: a request's registration and unregistration at steady state against a synchronized
 * {@code LinkedHashSet}'s add and remove; unregistering 20,000 by equality, oldest first; and
 * handlers whose hash codes all collide against a {@code HashSet}'s remove of the same keys. The
 * whole-process harness measures the same with the variants interleaved ({@link ChurnProgram}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChurnBenchmarks {
  /**
   * {@code live} registrations; each pair adds a new one and removes the oldest or a random one.
   */
  @State(Scope.Thread)
  public static class Steady {
    @Param({"10", "10000"})
    int live;

    @Param({"oldest", "random"})
    String removal;

    final ExitScope registered = ExitScope.create("register");
    final ExitScope closing = ExitScope.create("closing");
    final Set<Resource> set = Collections.synchronizedSet(new LinkedHashSet<>());
    Resource[] forRegister;
    Resource[] forClosing;
    Resource[] forSet;
    boolean random;
    int next;
    int seed = 12345;

    @Setup(Level.Trial)
    public void fill() {
      random = removal.equals("random");
      forRegister = new Resource[live];
      forClosing = new Resource[live];
      forSet = new Resource[live];
      for (int i = 0; i < live; i++) {
        registered.register(forRegister[i] = new Resource());
        closing.closing(forClosing[i] = new Resource());
        set.add(forSet[i] = new Resource());
      }
      // Each scope's index is made by its first unregister by equality: made here, not timed.
      registered.unregister(new Object());
      closing.unregister(new Object());
    }

    /** The slot of the registration to remove: the oldest, or a random one. */
    int victim() {
      if (random) {
        int x = seed;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        seed = x;
        return (x & Integer.MAX_VALUE) % live;
      }
      int k = next;
      next = k + 1 == live ? 0 : k + 1;
      return k;
    }
  }

  /** {@code register(r)} of a new resource, then {@code unregister} of an older one. */
  @Benchmark
  public int registerAndUnregister(Steady s) {
    Resource r = new Resource();
    s.registered.register(r);
    int k = s.victim();
    int removed = s.registered.unregister(s.forRegister[k]);
    s.forRegister[k] = r;
    return removed;
  }

  /** {@code closing(r)} of a new resource, then {@code unregister} of an older one. */
  @Benchmark
  public int closingAndUnregister(Steady s) {
    Resource r = s.closing.closing(new Resource());
    int k = s.victim();
    int removed = s.closing.unregister(s.forClosing[k]);
    s.forClosing[k] = r;
    return removed;
  }

  /** The floor: a synchronized {@code LinkedHashSet}'s add of a new resource, then a remove. */
  @Benchmark
  public boolean linkedHashSetAddAndRemove(Steady s) {
    Resource r = new Resource();
    s.set.add(r);
    int k = s.victim();
    boolean removed = s.set.remove(s.forSet[k]);
    s.forSet[k] = r;
    return removed;
  }

  /** Equal by key, as Python's bound methods are. */
  record Keyed(int key) implements ExitHandler {
    @Override
    public void run() {}
  }

  static final int DRAINED = 20_000;

  @State(Scope.Thread)
  public static class Registered {
    ExitScope scope;

    @Setup(Level.Invocation)
    public void fill() {
      scope = ExitScope.create("drain");
      for (int i = 0; i < DRAINED; i++) {
        scope.register(new Keyed(i));
      }
    }
  }

  /**
   * Unregister by equality at n = 20,000: each registration, oldest first, by an equal new object
   * (the first call builds the index). Per call; CPython's {@code atexit.unregister} scans.
   */
  @Benchmark
  @OperationsPerInvocation(DRAINED)
  @Warmup(iterations = 20, batchSize = 1)
  @Measurement(iterations = 30, batchSize = 1)
  @BenchmarkMode(Mode.SingleShotTime)
  public int unregisterOldestFirst(Registered s) {
    int removed = 0;
    for (int i = 0; i < DRAINED; i++) {
      removed += s.scope.unregister(new Keyed(i));
    }
    return removed;
  }

  static final int COLLIDING = 5_000;

  @State(Scope.Thread)
  public static class Collisions {
    final Colliding[] keys = new Colliding[COLLIDING];
    ExitScope scope;
    Set<Colliding> set;

    @Setup(Level.Invocation)
    public void fill() {
      scope = ExitScope.create("colliding");
      set = new HashSet<>();
      for (int i = 0; i < COLLIDING; i++) {
        if (keys[i] == null) {
          keys[i] = new Colliding(i);
        }
        scope.register(keys[i]);
        set.add(keys[i]);
      }
    }
  }

  /** 5,000 handlers with one hash code, each unregistered, oldest first; per call. */
  @Benchmark
  @OperationsPerInvocation(COLLIDING)
  @Warmup(iterations = 3, batchSize = 1)
  @Measurement(iterations = 10, batchSize = 1)
  @BenchmarkMode(Mode.SingleShotTime)
  public int collidingUnregister(Collisions s) {
    int removed = 0;
    for (Colliding c : s.keys) {
      removed += s.scope.unregister(c);
    }
    return removed;
  }

  /** The floor of {@link #collidingUnregister}: a {@code HashSet}'s remove of the same keys. */
  @Benchmark
  @OperationsPerInvocation(COLLIDING)
  @Warmup(iterations = 3, batchSize = 1)
  @Measurement(iterations = 10, batchSize = 1)
  @BenchmarkMode(Mode.SingleShotTime)
  public int collidingHashSetRemove(Collisions s) {
    int removed = 0;
    for (Colliding c : s.keys) {
      removed += s.set.remove(c) ? 1 : 0;
    }
    return removed;
  }
}
