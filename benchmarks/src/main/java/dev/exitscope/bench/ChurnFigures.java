// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Issue 21's part of the harness's report: per-request registration churn against a synchronized
 * {@code LinkedHashSet} ({@link ChurnProgram churn}), unregister by equality at 20,000 against
 * CPython ({@code ChurnProgram drain}, {@code exit_program.py drain}), colliding hash codes against
 * a {@code HashSet} ({@code ChurnProgram colliding}), contention against a {@code
 * ConcurrentHashMap} ({@link ContentionProgram}), and the goals checked against those figures.
 *
 * <p>Per-call figures come from programs that interleave their variants round by round in one JVM;
 * each is the best of the warm rounds with the median in brackets, by the wall clock, then by the
 * thread's CPU clock (which does not count the time the thread waited for a processor).
 */
final class ChurnFigures {
  /** Runs a command once and returns its {@code key value} lines. */
  interface Runner {
    Map<String, String> once(List<String> command) throws Exception;
  }

  private final Runner runner;
  private final List<String> javaChurn;
  private final List<String> javaDrain;
  private final List<String> javaColliding;
  private final List<String> javaContention;
  private final List<String> pythonDrain; // null without CPython

  ChurnFigures(
      Runner runner,
      List<String> javaChurn,
      List<String> javaDrain,
      List<String> javaColliding,
      List<String> javaContention,
      List<String> pythonDrain) {
    this.runner = runner;
    this.javaChurn = javaChurn;
    this.javaDrain = javaDrain;
    this.javaColliding = javaColliding;
    this.javaContention = javaContention;
    this.pythonDrain = pythonDrain;
  }

  private static final String[][] STATES = {
    {"10-oldest", "10 live, the oldest removed"},
    {"10-random", "10 live, a random one removed"},
    {"10000-oldest", "10,000 live, the oldest removed"},
    {"10000-random", "10,000 live, a random one removed"},
  };

  void report() throws Exception {
    Map<String, String> churn = runner.once(javaChurn);
    // Drain: the JVM's program (rounds of its own) and CPython's (one round), interleaved.
    List<Map<String, String>> javaDrains = new ArrayList<>();
    List<Double> pythonDrains = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      javaDrains.add(runner.once(javaDrain));
      if (pythonDrain != null) {
        pythonDrains.add(Double.parseDouble(runner.once(pythonDrain).get("drain-20000")));
      }
    }
    Map<String, String> colliding = runner.once(javaColliding);
    Map<String, String> contention = runner.once(javaContention);

    System.out.println(
        "\nIssue 21: a request's registration and unregistration at steady state, ns per pair,"
            + " best of the warm rounds [median]\n");
    for (String clock : new String[] {"", "-cpu"}) {
      System.out.printf(
          "%s%n%n| steady state | register + unregister | closing + unregister |"
              + " synchronized LinkedHashSet add + remove | register / set | closing / set |%n"
              + "| --- | ---: | ---: | ---: | ---: | ---: |%n",
          clock.isEmpty() ? "Wall clock:" : "The thread's CPU clock:");
      for (String[] state : STATES) {
        Figure reg = Figure.of(churn, "churn-register-" + state[0] + clock);
        Figure clo = Figure.of(churn, "churn-closing-" + state[0] + clock);
        Figure set = Figure.of(churn, "churn-linkedHashSet-" + state[0] + clock);
        System.out.printf(
            "| %s | %s | %s | %s | %s | %s |%n",
            state[1], reg, clo, set, reg.over(set), clo.over(set));
      }
      System.out.println();
    }

    Figure drain = Figure.across(javaDrains, "drain-20000");
    Figure drainCpu = Figure.across(javaDrains, "drain-20000-cpu");
    double[] py = pythonDrains.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    Figure cpython = py.length == 0 ? null : new Figure(py[0], py[py.length / 2]);
    System.out.printf(
        "| unregister by equality, 20,000 registered, each unregistered oldest first by an equal new"
            + " object (ns per call) | exitscope | CPython (bound methods) | CPython / exitscope |%n"
            + "| --- | ---: | ---: | ---: |%n"
            + "| wall clock, best [median] of 3 processes each | %s | %s | %s |%n"
            + "| exitscope by the CPU clock | %s | | |%n%n",
        drain,
        cpython == null ? "—" : cpython,
        cpython == null ? "—" : cpython.over(drain),
        drainCpu);

    Figure scope = Figure.of(colliding, "colliding-exitscope-5000");
    Figure hashSet = Figure.of(colliding, "colliding-hashSet-5000");
    Figure scopeCpu = Figure.of(colliding, "colliding-exitscope-5000-cpu");
    Figure hashSetCpu = Figure.of(colliding, "colliding-hashSet-5000-cpu");
    System.out.printf(
        "| 5,000 handlers with one hash code, each unregistered, oldest first (ns per call) |"
            + " exitscope | HashSet.remove of the same keys | exitscope / HashSet |%n"
            + "| --- | ---: | ---: | ---: |%n"
            + "| wall clock | %s | %s | %s |%n| CPU clock | %s | %s | %s |%n%n",
        scope, hashSet, scope.over(hashSet), scopeCpu, hashSetCpu, scopeCpu.over(hashSetCpu));

    System.out.println(
        "Contention: register + unregister pairs per µs, all threads together, on one shared"
            + " registry (1,000 registrations that stay; each thread removes its own, 8 pairs"
            + " later); best [median] of the rounds\n");
    System.out.print("| registry |");
    for (int t : ContentionProgram.THREADS) {
      System.out.print(" " + t + (t == 1 ? " thread |" : " threads |"));
    }
    System.out.println("\n| --- | ---: | ---: | ---: | ---: |");
    for (String kind : ContentionProgram.KINDS) {
      StringBuilder row = new StringBuilder("| " + kind + " |");
      for (int t : ContentionProgram.THREADS) {
        row.append(' ').append(Figure.of(contention, "contention-" + kind + "-" + t)).append(" |");
      }
      System.out.println(row);
    }

    System.out.println("\nGoals (issue 21), from this run (medians; best and CPU clock beside):");
    for (String[] state : STATES) {
      for (String kind : new String[] {"register", "closing"}) {
        Figure ours = Figure.of(churn, "churn-" + kind + "-" + state[0]);
        Figure set = Figure.of(churn, "churn-linkedHashSet-" + state[0]);
        Figure oursCpu = Figure.of(churn, "churn-" + kind + "-" + state[0] + "-cpu");
        Figure setCpu = Figure.of(churn, "churn-linkedHashSet-" + state[0] + "-cpu");
        double ratio = ours.median / set.median;
        ExitHarness.goal(
            kind + " + unregister, " + state[1] + ", ≤ 1.5× a synchronized LinkedHashSet",
            ratio <= 1.5,
            String.format(
                "%s vs %s ns: %s× (best: %s×; CPU clock: %s×)",
                ExitHarness.fmt(ours.median),
                ExitHarness.fmt(set.median),
                ExitHarness.fmt2(ratio),
                ExitHarness.fmt2(ours.best / set.best),
                ExitHarness.fmt2(oursCpu.median / setCpu.median)));
      }
    }
    if (cpython != null) {
      double times = cpython.median / drain.median;
      ExitHarness.goal(
          "unregister by equality at 20,000 ≥ 1000× faster per call than CPython's",
          times >= 1000,
          String.format(
              "%s vs %s ns: %s× (best: %s×)",
              ExitHarness.fmt(drain.median),
              ExitHarness.fmt(cpython.median),
              ExitHarness.fmt(times),
              ExitHarness.fmt(cpython.best / drain.best)));
    }
    double collide = scope.median / hashSet.median;
    ExitHarness.goal(
        "colliding hash codes: each unregister ≤ 2× a HashSet's remove of the same keys",
        collide <= 2,
        String.format(
            "%s vs %s ns: %s× (best: %s×; CPU clock: %s×)",
            ExitHarness.fmt(scope.median),
            ExitHarness.fmt(hashSet.median),
            ExitHarness.fmt2(collide),
            ExitHarness.fmt2(scope.best / hashSet.best),
            ExitHarness.fmt2(scopeCpu.median / hashSetCpu.median)));
  }

  /** A figure's best and median; for contention, the best is the highest. */
  record Figure(double best, double median) {
    static Figure of(Map<String, String> values, String label) {
      return new Figure(
          Double.parseDouble(values.get(label + "-best")),
          Double.parseDouble(values.get(label + "-median")));
    }

    /** The best of the processes' bests, the median of their medians. */
    static Figure across(List<Map<String, String>> runs, String label) {
      double[] best =
          runs.stream().mapToDouble(r -> Double.parseDouble(r.get(label + "-best"))).toArray();
      double[] median =
          runs.stream()
              .mapToDouble(r -> Double.parseDouble(r.get(label + "-median")))
              .sorted()
              .toArray();
      return new Figure(Arrays.stream(best).min().orElseThrow(), median[median.length / 2]);
    }

    String over(Figure other) {
      return times(best / other.best) + "× [" + times(median / other.median) + "×]";
    }

    private static String times(double ratio) {
      return ratio >= 100 ? ExitHarness.fmt(ratio) : ExitHarness.fmt2(ratio);
    }

    @Override
    public String toString() {
      return ExitHarness.fmt(best) + " [" + ExitHarness.fmt(median) + "]";
    }
  }
}
