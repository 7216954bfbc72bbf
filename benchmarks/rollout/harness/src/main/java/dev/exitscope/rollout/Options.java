// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line of the simulation (BENCHMARKS.md, "Rolling deploys"). */
final class Options {
  int replicas = 3;
  int clients = 16;
  int delayMs = 1000;
  int rollouts = 3;
  String conn = "close";
  List<String> variants = new ArrayList<>();
  int preWaitMs = -1; // D + 500 unless given
  int slowMs = 300;
  int slowPercent = 20;
  int timeoutMs = 5000;
  int minRequests = 10_000;
  Path table = Path.of("benchmarks/rollout/variants.txt");
  Path root = Path.of("benchmarks/rollout");
  Path out = Path.of("benchmarks/rollout/target/run");
  List<String> replicaJvmArgs =
      new ArrayList<>(List.of("-Xshare:auto", "-Xmx256m", "-XX:+UseSerialGC"));

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String v = args[++i];
      switch (flag) {
        case "--replicas" -> o.replicas = positive(flag, v);
        case "--clients" -> o.clients = positive(flag, v);
        case "--delay-ms" -> o.delayMs = atLeastZero(flag, v);
        case "--rollouts" -> o.rollouts = positive(flag, v);
        case "--conn" -> {
          if (!List.of("close", "keepalive", "sticky").contains(v)) {
            throw new IllegalArgumentException(
                "--conn must be close, keepalive or sticky, was " + v);
          }
          o.conn = v;
        }
        case "--variants" -> o.variants = Arrays.asList(v.split(","));
        case "--pre-wait-ms" -> o.preWaitMs = atLeastZero(flag, v);
        case "--slow-ms" -> o.slowMs = atLeastZero(flag, v);
        case "--slow-percent" -> o.slowPercent = atLeastZero(flag, v);
        case "--timeout-ms" -> o.timeoutMs = positive(flag, v);
        case "--min-requests" -> o.minRequests = atLeastZero(flag, v);
        case "--table" -> o.table = Path.of(v);
        case "--root" -> o.root = Path.of(v);
        case "--out" -> o.out = Path.of(v);
        case "--replica-jvm-args" -> o.replicaJvmArgs = Arrays.asList(v.trim().split("\\s+"));
        default -> throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
    if (o.preWaitMs < 0) {
      o.preWaitMs = o.delayMs + 500;
    }
    return o;
  }

  private static int positive(String flag, String v) {
    int n = Integer.parseInt(v);
    if (n <= 0) {
      throw new IllegalArgumentException(flag + " must be positive, was " + v);
    }
    return n;
  }

  private static int atLeastZero(String flag, String v) {
    int n = Integer.parseInt(v);
    if (n < 0) {
      throw new IllegalArgumentException(flag + " must not be negative, was " + v);
    }
    return n;
  }
}
