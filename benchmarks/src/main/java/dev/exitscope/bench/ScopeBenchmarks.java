// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitScope;
import dev.exitscope.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
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
 * The scope's operations, with a plain {@code ArrayList} (the floor of issue 14) and the JDK's
 * shutdown hooks as baselines in the same run. Public API only.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScopeBenchmarks {
  /** A handler equal to another with the same key, as Python's bound methods are. */
  record Keyed(int key) implements ExitHandler {
    @Override
    public void run() {}
  }

  static final ExitHandler NOOP = () -> {};
  static final int BATCH = 1_000;

  /** A fresh scope per batch, so that register measures a steady cost, not a growing heap. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public ExitScope register() {
    ExitScope scope = ExitScope.create("bench");
    for (int i = 0; i < BATCH; i++) {
      scope.register(NOOP);
    }
    return scope;
  }

  /**
   * A new handler object per registration, as the whole-process harness registers them (a registry
   * that hashed its handlers would compute an identity hash code for each).
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public ExitScope registerDistinct() {
    ExitScope scope = ExitScope.create("bench");
    for (int i = 0; i < BATCH; i++) {
      scope.register(handler(i));
    }
    return scope;
  }

  /** The floor of {@link #registerDistinct}: the same new handlers added to a plain list. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Runnable> listAdd() {
    List<Runnable> list = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      list.add(runnable(i));
    }
    return list;
  }

  static int ran;

  static ExitHandler handler(int i) {
    return () -> ran += i;
  }

  static Runnable runnable(int i) {
    return () -> ran += i;
  }

  @State(Scope.Thread)
  public static class Open {
    final ExitScope scope = ExitScope.create("bench");
  }

  @Benchmark
  public boolean pushAndUnregister(Open s) {
    Registration r = s.scope.push(NOOP);
    return r.unregister();
  }

  /** A push and a pop: register one handler, then run() pops and runs it and finds none left. */
  @Benchmark
  public void registerAndRun(Open s) {
    s.scope.register(NOOP);
    s.scope.run();
  }

  @State(Scope.Benchmark)
  public static class Shared {
    final ExitScope scope = ExitScope.create("contended");
  }

  /** Two threads pushing and unregistering on one scope. */
  @Benchmark
  @Group("contended")
  @org.openjdk.jmh.annotations.GroupThreads(2)
  public boolean pushAndUnregisterContended(Shared s) {
    return s.scope.push(NOOP).unregister();
  }

  @State(Scope.Thread)
  public static class Filled {
    @Param({"10", "1000", "100000", "1000000"})
    int registered;

    ExitScope scope;
    Keyed[] keys;
    int next;

    @Setup(Level.Trial)
    public void fill() {
      scope = ExitScope.create("filled");
      keys = new Keyed[registered];
      for (int i = 0; i < registered; i++) {
        keys[i] = new Keyed(i);
        scope.register(keys[i]);
      }
    }
  }

  /**
   * unregister by equality of one of n registered handlers (an equal, new object), then register it
   * again.
   */
  @Benchmark
  public int unregisterByEquality(Filled s) {
    int k = s.next++ % s.registered;
    int removed = s.scope.unregister(new Keyed(k));
    s.scope.register(s.keys[k]);
    return removed;
  }

  @State(Scope.Thread)
  public static class Full {
    ExitScope scope;

    @Setup(Level.Invocation)
    public void fill() {
      scope = ExitScope.create("run");
      for (int i = 0; i < 100_000; i++) {
        scope.register(NOOP);
      }
    }
  }

  /** run() of 100,000 no-op handlers, per handler. */
  @Benchmark
  @OperationsPerInvocation(100_000)
  @Warmup(iterations = 3, batchSize = 1)
  @Measurement(iterations = 10, batchSize = 1)
  @BenchmarkMode(Mode.SingleShotTime)
  public void run100k(Full s) {
    s.scope.run();
  }

  @State(Scope.Thread)
  public static class FullList {
    List<Runnable> list;

    @Setup(Level.Invocation)
    public void fill() {
      list = new ArrayList<>();
      for (int i = 0; i < 100_000; i++) {
        list.add(NOOP_RUNNABLE);
      }
    }
  }

  static final Runnable NOOP_RUNNABLE = () -> {};

  /** The floor of {@link #run100k}: a plain list of 100,000 no-op handlers run newest first. */
  @Benchmark
  @OperationsPerInvocation(100_000)
  @Warmup(iterations = 3, batchSize = 1)
  @Measurement(iterations = 10, batchSize = 1)
  @BenchmarkMode(Mode.SingleShotTime)
  public void listRun100k(FullList s) {
    List<Runnable> list = s.list;
    for (int i = list.size() - 1; i >= 0; i--) {
      try {
        list.get(i).run();
      } catch (Throwable t) {
        t.printStackTrace();
      }
    }
    list.clear();
  }

  /** The JDK baseline: a hook is a Thread, added then removed. */
  @Benchmark
  public boolean jdkAddAndRemoveShutdownHook() {
    Thread hook = new Thread(() -> {});
    Runtime.getRuntime().addShutdownHook(hook);
    return Runtime.getRuntime().removeShutdownHook(hook);
  }
}
