// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One replica: a child JVM speaking the replica protocol (BENCHMARKS.md, "The replica protocol").
 * It binds 127.0.0.1 on the port it is given ({@code -Drollout.port=0}: any free one) and prints on
 * stdout, each alone on a line:
 *
 * <ul>
 *   <li>{@code ROLLOUT READY <port>} once it serves;
 *   <li>{@code ROLLOUT RESOURCE inflight=<n>} when the resource it registered before its server
 *       started is closed, with the number of requests then in flight;
 *   <li>{@code ROLLOUT LATE} for each request that ended after that resource was closed.
 * </ul>
 *
 * Everything else it prints goes to its log file. Every replica started is in {@link #ALL}, which
 * the harness kills when it ends, however it ends.
 */
final class Replica {
  /** Every replica process not yet ended, for the harness's shutdown hook and rollout.sh's trap. */
  static final Set<Process> ALL = ConcurrentHashMap.newKeySet();

  private static final AtomicInteger NUMBER = new AtomicInteger();
  private static volatile Path pidFile;

  final String name;
  final Process process;
  final CompletableFuture<Integer> ready = new CompletableFuture<>();
  final CompletableFuture<Long> exited;
  private volatile long sigtermNanos;
  volatile int inflightAtClose = -1;
  final AtomicInteger late = new AtomicInteger();

  Replica(Variant v, Options o, Path logDir) throws IOException {
    name = v.name + "-" + NUMBER.incrementAndGet();
    List<String> command = new ArrayList<>();
    command.add("env");
    command.add("--default-signal=TERM");
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(o.replicaJvmArgs);
    command.addAll(v.jvmArgs);
    command.add("-Drollout.port=0");
    command.add("-Drollout.preWaitMs=" + o.preWaitMs);
    command.add("-cp");
    command.add(v.classpath);
    command.add(v.mainClass);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    process = pb.start();
    ALL.add(process);
    recordPids();
    process.getOutputStream().close();
    exited = process.onExit().thenApply(p -> System.nanoTime());
    exited.whenComplete((t, e) -> ALL.remove(process));
    Path log = logDir.resolve(name + ".log");
    Thread reader = new Thread(() -> read(log), name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(Path log) {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.println(line);
        if (line.startsWith("ROLLOUT READY ")) {
          ready.complete(Integer.parseInt(line.substring("ROLLOUT READY ".length()).trim()));
        } else if (line.startsWith("ROLLOUT RESOURCE inflight=")) {
          inflightAtClose = Integer.parseInt(line.substring("ROLLOUT RESOURCE inflight=".length()));
        } else if (line.equals("ROLLOUT LATE")) {
          late.incrementAndGet();
        }
      }
    } catch (IOException | RuntimeException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IOException(name + " ended before it was ready; see " + log));
  }

  /** Sends SIGTERM, as the kubelet does, and remembers when. */
  void sigterm() {
    sigtermNanos = System.nanoTime();
    // SIGTERM; through the handle, as Process.destroy() would also close the pipe of its stdout
    process.toHandle().destroy();
  }

  /**
   * Milliseconds from SIGTERM to the process's end, waiting at most {@code timeoutMs}; -1 if
   * longer.
   */
  long awaitExitMillis(long timeoutMs) {
    try {
      long end = exited.get(timeoutMs, TimeUnit.MILLISECONDS);
      return TimeUnit.NANOSECONDS.toMillis(end - sigtermNanos);
    } catch (Exception e) {
      kill();
      return -1;
    }
  }

  /** Whether the resource was closed with nothing in flight and nothing served after it. */
  boolean resourceClosedAfterLastRequest() {
    return inflightAtClose == 0 && late.get() == 0;
  }

  void kill() {
    process.destroyForcibly();
  }

  /** Where rollout.sh's trap finds the replicas to kill if the harness itself is killed. */
  static void pidFile(Path file) {
    pidFile = file;
  }

  private static void recordPids() {
    Path file = pidFile;
    if (file == null) {
      return;
    }
    StringBuilder b = new StringBuilder();
    for (Process p : ALL) {
      b.append(p.pid()).append('\n');
    }
    try {
      Files.writeString(file, b);
    } catch (IOException ignored) {
      // the harness's own hook still kills them
    }
  }
}
