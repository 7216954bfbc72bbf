// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What one variant's run counted: requests by outcome, retries, and each old replica's exit. */
final class Stats {
  private final Map<Http.Outcome, AtomicLong> outcomes = new EnumMap<>(Http.Outcome.class);
  final AtomicLong retried = new AtomicLong();
  final List<Long> exitMillis = Collections.synchronizedList(new ArrayList<>());
  final AtomicLong resourceOk = new AtomicLong();
  final AtomicLong oldReplicas = new AtomicLong();
  final List<String> problems = Collections.synchronizedList(new ArrayList<>());

  Stats() {
    for (Http.Outcome o : Http.Outcome.values()) {
      outcomes.put(o, new AtomicLong());
    }
  }

  void count(Http.Outcome o) {
    outcomes.get(o).incrementAndGet();
  }

  long requests() {
    return outcomes.values().stream().mapToLong(AtomicLong::get).sum();
  }

  long failed() {
    return requests() - outcomes.get(Http.Outcome.OK).get();
  }

  /** The failures by kind, e.g. {@code refused 12, reset 3}; "none" without any. */
  String failures() {
    StringBuilder b = new StringBuilder();
    outcomes.forEach(
        (o, n) -> {
          if (o != Http.Outcome.OK && n.get() > 0) {
            b.append(b.length() == 0 ? "" : ", ")
                .append(o.name().toLowerCase(java.util.Locale.ROOT))
                .append(' ')
                .append(n.get());
          }
        });
    return b.length() == 0 ? "none" : b.toString();
  }

  /** The median of the old replicas' SIGTERM-to-exit times, in ms; -1 without any. */
  long medianExit() {
    List<Long> sorted = sortedExits();
    return sorted.isEmpty() ? -1 : sorted.get((sorted.size() - 1) / 2);
  }

  List<Long> sortedExits() {
    List<Long> sorted;
    synchronized (exitMillis) {
      sorted = new ArrayList<>(exitMillis);
    }
    Collections.sort(sorted);
    return sorted;
  }
}
