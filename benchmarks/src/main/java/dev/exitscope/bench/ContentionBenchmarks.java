// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

import dev.exitscope.ExitScope;
import dev.exitscope.bench.ChurnProgram.Resource;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 21's contention: every thread registers a new resource and unregisters the one it
 * registered 8 pairs before, on one shared registry holding 1,000 more. Throughput of all threads
 * together, in pairs per microsecond; run with JMH's {@code -t 1}, {@code -t 2}, {@code -t 4} and
 * {@code -t 8} (BENCHMARKS.md). {@link ContentionProgram} measures the same with the kinds and
 * thread counts interleaved.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ContentionBenchmarks {
  @State(Scope.Benchmark)
  public static class Shared {
    final ExitScope scope = ExitScope.create("contended");
    final Map<Resource, Boolean> map = new ConcurrentHashMap<>();
    final Set<Resource> set = Collections.synchronizedSet(new LinkedHashSet<>());

    @Setup(Level.Trial)
    public void fill() {
      for (int i = 0; i < ContentionProgram.PREFILLED; i++) {
        scope.register(new Resource());
        map.put(new Resource(), Boolean.TRUE);
        set.add(new Resource());
      }
      scope.unregister(new Object()); // makes the hash index, as a first unregister would
    }
  }

  /** One thread's own registrations, the oldest removed at each pair. */
  @State(Scope.Thread)
  public static class Mine {
    final Resource[] inScope = new Resource[ContentionProgram.PER_THREAD];
    final Resource[] inMap = new Resource[ContentionProgram.PER_THREAD];
    final Resource[] inSet = new Resource[ContentionProgram.PER_THREAD];
    int next;

    @Setup(Level.Trial)
    public void fill(Shared s) {
      for (int i = 0; i < inScope.length; i++) {
        s.scope.register(inScope[i] = new Resource());
        s.map.put(inMap[i] = new Resource(), Boolean.TRUE);
        s.set.add(inSet[i] = new Resource());
      }
    }

    int oldest() {
      int k = next;
      next = k + 1 == inScope.length ? 0 : k + 1;
      return k;
    }
  }

  @Benchmark
  public int exitscope(Shared s, Mine m) {
    Resource r = new Resource();
    s.scope.register(r);
    int k = m.oldest();
    int removed = s.scope.unregister(m.inScope[k]);
    m.inScope[k] = r;
    return removed;
  }

  @Benchmark
  public Boolean concurrentHashMap(Shared s, Mine m) {
    Resource r = new Resource();
    s.map.put(r, Boolean.TRUE);
    int k = m.oldest();
    Boolean removed = s.map.remove(m.inMap[k]);
    m.inMap[k] = r;
    return removed;
  }

  @Benchmark
  public boolean linkedHashSet(Shared s, Mine m) {
    Resource r = new Resource();
    s.set.add(r);
    int k = m.oldest();
    boolean removed = s.set.remove(m.inSet[k]);
    m.inSet[k] = r;
    return removed;
  }
}
