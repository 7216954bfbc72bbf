// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Times whole processes side by side: exitscope, the plain-list floor, the JDK's hooks and
 * CPython's atexit, in one run on one machine, and prints BENCHMARKS.md's tables and the goals
 * checked against that same run. {@code ExitHarness <exit_program.py> [runs]}.
 *
 * <p>Programs that are compared run interleaved: each round runs every program once, in an order
 * that rotates from round to round, and the first round is a warm-up that is not counted. Every JVM
 * gets the same flags and classpath. The children stamp {@code System.nanoTime} (Python: {@code
 * time.monotonic_ns}), which on Linux is the harness's own clock, so the harness places the
 * children's stamps between its own spawn and end stamps without any conversion.
 */
public final class ExitHarness {
  private static final int[] HANDLERS = {1, 10_000, 100_000};
  private static final int JDK_MAX = 10_000;

  private final String python;
  private final Path script;
  private final int runs;
  private final List<String> jvmFlags;

  private final Process spawner; // null without CPython, then no CPU times
  private final BufferedWriter spawnerIn;
  private final BufferedReader spawnerOut;

  private ExitHarness(Path script, int runs, List<String> jvmFlags) throws IOException {
    this.script = script;
    this.runs = runs;
    this.jvmFlags = jvmFlags;
    this.python = findPython();
    if (python == null) {
      spawner = null;
      spawnerIn = null;
      spawnerOut = null;
    } else {
      spawner =
          new ProcessBuilder(python, script.resolveSibling("spawn.py").toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      spawnerIn =
          new BufferedWriter(
              new OutputStreamWriter(spawner.getOutputStream(), StandardCharsets.UTF_8));
      spawnerOut =
          new BufferedReader(
              new InputStreamReader(spawner.getInputStream(), StandardCharsets.UTF_8));
    }
  }

  /**
   * {@code ExitHarness <exit_program.py> [runs [JVM flags for every child JVM…]]}; or {@code
   * ExitHarness <exit_program.py> churn [runs]}: issue 21's part alone.
   */
  public static void main(String[] args) throws Exception {
    Path script = Path.of(args[0]);
    boolean churnOnly = args.length > 1 && args[1].equals("churn");
    int first = churnOnly ? 2 : 1;
    int runs = args.length > first ? Integer.parseInt(args[first]) : 7;
    List<String> flags =
        args.length > first + 1 ? List.of(args).subList(first + 1, args.length) : List.of();
    ExitHarness harness = new ExitHarness(script, runs, flags);
    try {
      if (churnOnly) {
        String load = loadAverage();
        harness.reportChurn();
        System.out.printf("%nLoad average at the start %s, at the end %s%n", load, loadAverage());
      } else {
        harness.report();
      }
    } finally {
      harness.close();
    }
  }

  /**
   * One run of a child: the harness's stamps around it and the {@code key value} lines it printed.
   */
  record Sample(long spawn, long end, long cpuNs, Map<String, String> values) {
    /** A stamp in ns: {@code spawn}, {@code end}, or one the child printed. */
    long at(String key) {
      return switch (key) {
        case "spawn" -> spawn;
        case "end" -> end;
        default -> Long.parseLong(values.get(key));
      };
    }

    double ms(String from, String to) {
      return (at(to) - at(from)) / 1e6;
    }

    double wall() {
      return ms("spawn", "end");
    }

    /** The child's CPU time, user and system, all its threads, in ms; NaN if not known. */
    double cpu() {
      return cpuNs < 0 ? Double.NaN : cpuNs / 1e6;
    }

    double value(String key) {
      return Double.parseDouble(values.get(key));
    }
  }

  /** A program run once per round; its samples, warm-up excluded. */
  static final class Program {
    final String label;
    final List<String> command;
    final List<Sample> samples = new ArrayList<>();

    Program(String label, List<String> command) {
      this.label = label;
      this.command = command;
    }

    Stats stats(ToDoubleFunction<Sample> metric) {
      return Stats.of(samples.stream().mapToDouble(metric).toArray());
    }

    double median(ToDoubleFunction<Sample> metric) {
      return stats(metric).median;
    }
  }

  /** Median, quartiles and minimum of one metric. */
  record Stats(double median, double p25, double p75, double min) {
    static Stats of(double[] v) {
      double[] s = v.clone();
      Arrays.sort(s);
      return new Stats(quantile(s, 0.5), quantile(s, 0.25), quantile(s, 0.75), s[0]);
    }

    private static double quantile(double[] sorted, double q) {
      double at = (sorted.length - 1) * q;
      int lo = (int) Math.floor(at);
      int hi = (int) Math.ceil(at);
      return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
    }
  }

  /** The timed exits, keyed by program and handler count. */
  private final Map<String, Program> exits = new HashMap<>();

  private Program exit(String kind, int n) {
    return exits.get(kind + n);
  }

  private void report() throws Exception {
    long harnessStart = System.nanoTime();
    String loadAtStart = loadAverage();
    System.out.printf(
        "exitscope harness: %s %s, %d cores, %s; %d interleaved runs after a warm-up round,"
            + " medians; whole-process JVMs run with: %s; the programs' classes from %s%n%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        python == null ? "no python3" : pythonVersion(),
        runs,
        String.join(" ", java("ExitProgram").subList(1, 2 + jvmFlags.size())),
        CLASSPATH.equals(System.getProperty("java.class.path")) ? "a directory" : "their jar");

    List<Program> timed = new ArrayList<>();
    for (int n : HANDLERS) {
      String count = Integer.toString(n);
      timed.add(new Program("list" + n, java("ExitProgram", "list", count)));
      timed.add(new Program("exitscope" + n, java("ExitProgram", "exitscope", count)));
      if (n <= JDK_MAX) {
        timed.add(new Program("jdk" + n, java("ExitProgram", "jdk", count)));
      }
      if (python != null) {
        timed.add(new Program("cpython" + n, py("exit", count)));
      }
    }
    for (Program p : timed) {
      exits.put(p.label, p);
    }
    interleave(timed);
    checkStamps(timed);
    printExitTable();
    printSplit();

    Map<String, String> esOps = once(java("OpsProgram", "ops")).values;
    Map<String, String> pyOps = python == null ? Map.of() : once(py("ops")).values;
    double esMem =
        once(java("OpsProgram", "memory", "exitscope", "1000000")).value("bytes-per-registration");
    double jdkMem =
        once(java("OpsProgram", "memory", "jdk", "100000")).value("bytes-per-registration");
    String pyMem =
        python == null ? null : once(py("memory", "100000")).values.get("bytes-per-registration");
    Program first = new Program("first", java("OpsProgram", "first"));
    interleave(List.of(first));
    Program blocking = new Program("blocking", java("SuspendProgram", "blocking", "200"));
    Program suspending = new Program("suspend", java("SuspendProgram", "suspend", "200"));
    Program blockingCold = new Program("blocking0", java("SuspendProgram", "blocking", "0"));
    Program suspendingCold = new Program("suspend0", java("SuspendProgram", "suspend", "0"));
    interleave(List.of(blocking, suspending, blockingCold, suspendingCold));

    System.out.println("| per call | exitscope | CPython | ratio |");
    System.out.println("| --- | ---: | ---: | ---: |");
    row("register (ns)", esOps.get("register-ns"), pyOps.get("register-ns"));
    for (String n : List.of("1000", "20000", "100000", "1000000")) {
      row(
          "unregister by equality + register again, random keys, " + n + " registered (ns)",
          esOps.get("unregister-ns-" + n),
          pyOps.get("unregister-ns-" + n));
    }
    for (String n : List.of("1000", "20000", "100000", "1000000")) {
      row(
          "the same, one key over and over, " + n + " registered (ns)",
          esOps.get("unregister-same-key-ns-" + n),
          null);
    }
    System.out.printf("%n| memory and first use | value |%n| --- | ---: |%n");
    System.out.printf(
        "| exitscope, bytes retained per registration (1,000,000 of one handler) | %.1f |%n",
        esMem);
    System.out.printf("| JDK hook, bytes retained per hook (100,000 Threads) | %.1f |%n", jdkMem);
    System.out.printf(
        "| CPython, bytes per atexit.register (tracemalloc, 100,000) | %s |%n",
        pyMem == null ? "—" : fmt(Double.parseDouble(pyMem)));
    System.out.printf(
        "| first ExitScope.global().register in a JVM (µs, class loading and hook included) | %s |%n",
        fmt(first.median(s -> s.value("first-register-us"))));
    System.out.printf(
        "| first Runtime.addShutdownHook after it (µs) | %s |%n",
        fmt(first.median(s -> s.value("first-jdk-hook-us"))));
    System.out.printf(
        "| one blocking handler, main works 200 ms then returns (ms) | %s |%n", cell(blocking));
    System.out.printf(
        "| one suspend handler, main works 200 ms then returns (ms) | %s |%n", cell(suspending));
    System.out.printf(
        "| one blocking handler, main returns at once (ms) | %s |%n", cell(blockingCold));
    System.out.printf(
        "| one suspend handler, main returns at once (ms) | %s |%n", cell(suspendingCold));
    System.out.println(
        "\nSuspend rows: whole process wall time in ms (end of main to end of process).");

    System.out.println("\nGoals (issue 14), from this run:");
    for (int n : new int[] {10_000, 100_000}) {
      Program es = exit("exitscope", n);
      Program list = exit("list", n);
      double ratio = es.median(Sample::wall) / list.median(Sample::wall);
      goal(
          String.format("exit with %,d handlers ≤ 1.3× the plain-list floor (whole process)", n),
          ratio <= 1.3,
          String.format(
              "%s ms vs %s ms: %s× (paired by round: %s×; minima: %s×; CPU time: %s)",
              fmt(es.median(Sample::wall)),
              fmt(list.median(Sample::wall)),
              fmt2(ratio),
              fmt2(paired(es, list, true)),
              fmt2(es.stats(Sample::wall).min / list.stats(Sample::wall).min),
              spawner == null
                  ? "—"
                  : fmt2(es.median(Sample::cpu) / list.median(Sample::cpu)) + "×"));
    }
    {
      Program es = exit("exitscope", 1);
      Program hook = exit("jdk", 1);
      double diff = es.median(Sample::wall) - hook.median(Sample::wall);
      goal(
          "a JVM with one handler exits within 5 ms of a one-hook JVM (whole process)",
          diff <= 5,
          String.format(
              "%s ms vs %s ms: %+.1f ms (paired by round: %+.1f ms; minima: %+.1f ms; CPU time: %s)",
              fmt(es.median(Sample::wall)),
              fmt(hook.median(Sample::wall)),
              diff,
              paired(es, hook, false),
              es.stats(Sample::wall).min - hook.stats(Sample::wall).min,
              spawner == null
                  ? "—"
                  : String.format("%+.1f ms", es.median(Sample::cpu) - hook.median(Sample::cpu))));
    }
    for (int n : new int[] {10_000, 100_000}) {
      Program es = exit("exitscope", n);
      Program list = exit("list", n);
      double reg = es.median(ExitHarness::register);
      double add = list.median(ExitHarness::register);
      goal(
          String.format("register %,d ≤ 1.5× the cold list.add loop (in process, fresh JVMs)", n),
          reg <= 1.5 * add,
          String.format(
              "%s ms vs %s ms: %s× (minima: %s×)",
              fmt(reg),
              fmt(add),
              fmt2(reg / add),
              fmt2(es.stats(ExitHarness::register).min / list.stats(ExitHarness::register).min)));
    }
    if (python != null) {
      double unreg = ratio(pyOps.get("unregister-ns-20000"), esOps.get("unregister-ns-20000"));
      goal(
          "unregister at 20,000 registered ≥ 500× faster per call than CPython",
          unreg >= 500,
          fmt(unreg) + "×");
    }
    goal("≤ 64 bytes retained per registration", esMem <= 64, fmt(esMem) + " bytes");
    goal(
        "every exitscope and plain-list run ran its handlers newest first",
        ranNewestFirst(),
        "the handlers' own check, all runs");

    System.out.println("\nGoals kept from issue 5:");
    Program es100k = exit("exitscope", 100_000);
    double oneHook = exit("jdk", 1).median(Sample::wall);
    goal(
        "exit with 100,000 handlers within 1.5× the one-hook JVM + 30 ms",
        es100k.median(Sample::wall) <= 1.5 * oneHook + 30,
        fmt(es100k.median(Sample::wall)) + " ms vs limit " + fmt(1.5 * oneHook + 30) + " ms");
    if (python != null) {
      Program py100k = exit("cpython", 100_000);
      goal(
          "exit with 100,000 handlers faster than CPython's",
          es100k.median(Sample::wall) < py100k.median(Sample::wall),
          fmt(es100k.median(Sample::wall)) + " ms vs " + fmt(py100k.median(Sample::wall)) + " ms");
      double reg = ratio(pyOps.get("register-ns"), esOps.get("register-ns"));
      goal("register no slower than CPython", reg >= 1, fmt(reg) + "× as fast");
    }
    double flat =
        ratio(
            esOps.get("unregister-same-key-ns-1000000"), esOps.get("unregister-same-key-ns-1000"));
    goal(
        "unregister flat from 1,000 to 1,000,000 registered (≤ 1.5×, one key: the algorithm)",
        flat <= 1.5,
        fmt(flat) + "×");
    double cache = ratio(esOps.get("unregister-ns-1000000"), esOps.get("unregister-ns-1000"));
    System.out.printf(
        "- (random keys, 1,000,000 vs 1,000 registered: %s×; each call then misses the CPU caches)%n",
        fmt(cache));
    double suspendCost =
        suspending.median(ExitHarness::exitTime) - blocking.median(ExitHarness::exitTime);
    goal(
        "a suspend handler adds ≤ 50 ms to the exit (end of main to end of process) over a blocking one",
        suspendCost <= 50,
        fmt(suspendCost) + " ms");
    double coldCost = suspendingCold.median(Sample::wall) - blockingCold.median(Sample::wall);
    goal(
        "the same when main returns at once, before the preload could finish (whole process)",
        coldCost <= 50,
        fmt(coldCost) + " ms");
    reportChurn();
    System.out.printf(
        "%nHarness time: %.0f s; load average at the start %s, at the end %s%n",
        (System.nanoTime() - harnessStart) / 1e9, loadAtStart, loadAverage());
  }

  /** Issue 21's figures and goals ({@link ChurnFigures}). */
  private void reportChurn() throws Exception {
    new ChurnFigures(
            command -> once(command).values,
            java("ChurnProgram", "churn", Integer.toString(Math.max(10, runs))),
            java("ChurnProgram", "drain", "20000", "15"),
            java("ChurnProgram", "colliding", "5000", "5"),
            java("ContentionProgram", "200", "6"),
            python == null ? null : py("drain", "20000"))
        .report();
  }

  /** Ends spawn.py: it exits at the end of its input. */
  private void close() throws IOException, InterruptedException {
    if (spawner != null) {
      spawnerIn.close();
      spawner.waitFor();
    }
  }

  private void printExitTable() {
    printExitTable(
        "Exit, whole processes: wall time in ms from spawn to end, median [p25–p75], min",
        Sample::wall);
    if (spawner != null) {
      printExitTable(
          "The same processes' CPU time (user + system, all threads) in ms, median [p25–p75], min",
          Sample::cpu);
    }
    System.out.println(
        "Raw JDK hooks at 1 handler is the one-hook JVM. Every handler does the same work in every"
            + " program.\n");
  }

  private void printExitTable(String title, ToDoubleFunction<Sample> metric) {
    System.out.println(title + "\n");
    System.out.println(
        "| handlers | plain list in one hook (floor) | exitscope | exitscope / floor | raw JDK hooks | CPython atexit |");
    System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for (int n : HANDLERS) {
      Program list = exit("list", n);
      Program es = exit("exitscope", n);
      Program jdk = exit("jdk", n);
      Program py = exit("cpython", n);
      System.out.printf(
          "| %,d | %s | %s | %s× | %s | %s |%n",
          n,
          spread(list, metric),
          spread(es, metric),
          fmt2(es.median(metric) / list.median(metric)),
          jdk == null ? "not run" : spread(jdk, metric),
          py == null ? "—" : spread(py, metric));
    }
    System.out.println();
  }

  private void printSplit() {
    System.out.println("In-process split: ms, medians of the same runs\n");
    System.out.println(
        "| program | handlers | spawn → main | register | end of main → first handler | run | last handler → process end | exit: end of main → process end | wall | CPU |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (int n : HANDLERS) {
      for (String kind : List.of("list", "exitscope", "jdk", "cpython")) {
        Program p = exit(kind, n);
        if (p == null) {
          continue;
        }
        boolean ordered = !kind.equals("jdk") || n == 1;
        System.out.printf(
            "| %s | %,d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
            switch (kind) {
              case "list" -> "plain list";
              case "jdk" -> n == 1 ? "one-hook JVM" : "raw JDK hooks";
              case "cpython" -> "CPython";
              default -> kind;
            },
            n,
            fmt(p.median(s -> s.ms("spawn", "t-main-start"))),
            fmt(p.median(ExitHarness::register)),
            ordered ? fmt(p.median(s -> s.ms("t-main-end", "t-first-start"))) : "—",
            ordered ? fmt(p.median(s -> s.ms("t-first-start", "t-last-end"))) : "—",
            ordered ? fmt(p.median(s -> s.ms("t-last-end", "end"))) : "—",
            fmt(p.median(ExitHarness::exitTime)),
            fmt(p.median(Sample::wall)),
            spawner == null ? "—" : fmt(p.median(Sample::cpu)));
      }
    }
    System.out.println(
        "\n| exitscope / plain list | register | end of main → first handler | run |"
            + " last handler → process end | exit | wall | CPU |");
    System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (int n : HANDLERS) {
      Program es = exit("exitscope", n);
      Program list = exit("list", n);
      StringBuilder b = new StringBuilder(String.format("| %,d |", n));
      for (ToDoubleFunction<Sample> metric :
          List.<ToDoubleFunction<Sample>>of(
              ExitHarness::register,
              s -> s.ms("t-main-end", "t-first-start"),
              s -> s.ms("t-first-start", "t-last-end"),
              s -> s.ms("t-last-end", "end"),
              ExitHarness::exitTime,
              Sample::wall,
              Sample::cpu)) {
        double ours = es.median(metric);
        double floor = list.median(metric);
        b.append(' ')
            .append(floor < 0.1 || Double.isNaN(floor) ? "—" : fmt2(ours / floor) + "×")
            .append(" |");
      }
      System.out.println(b);
    }
    System.out.println();
  }

  private static double register(Sample s) {
    return s.ms("t-register-start", "t-register-end");
  }

  private static double exitTime(Sample s) {
    return s.ms("t-main-end", "end");
  }

  /** The median over rounds of a's wall time over (or, not {@code ratio}, minus) b's. */
  private static double paired(Program a, Program b, boolean ratio) {
    double[] v = new double[a.samples.size()];
    for (int i = 0; i < v.length; i++) {
      double x = a.samples.get(i).wall();
      double y = b.samples.get(i).wall();
      v[i] = ratio ? x / y : x - y;
    }
    return Stats.of(v).median;
  }

  private boolean ranNewestFirst() {
    for (Program p : exits.values()) {
      if (p.label.startsWith("list") || p.label.startsWith("exitscope")) {
        for (Sample s : p.samples) {
          if (!s.values.get("disorder").equals("0")) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** Stamps must follow each other; if they do not, the clocks are not the same one. */
  private static void checkStamps(List<Program> programs) {
    String[] order = {
      "spawn",
      "t-main-start",
      "t-register-start",
      "t-register-end",
      "t-main-end",
      "t-first-start",
      "t-last-end",
      "end"
    };
    for (Program p : programs) {
      if (p.label.startsWith("jdk") && !p.label.equals("jdk1")) {
        continue; // hooks run all at once: the first and last handlers are not first and last
      }
      for (Sample s : p.samples) {
        for (int i = 1; i < order.length; i++) {
          if (s.at(order[i]) < s.at(order[i - 1])) {
            throw new IllegalStateException(
                p.label + ": " + order[i] + " before " + order[i - 1] + ": " + s.values);
          }
        }
      }
    }
  }

  /** Runs every program once per round, in an order rotating by round; round 0 is a warm-up. */
  private void interleave(List<Program> programs) throws Exception {
    for (int round = 0; round <= runs; round++) {
      for (int k = 0; k < programs.size(); k++) {
        Program p = programs.get((k + round) % programs.size());
        Sample s = once(p.command);
        if (round > 0) {
          p.samples.add(s);
        }
      }
    }
  }

  private static void row(String what, String ours, String theirs) {
    System.out.printf(
        "| %s | %s | %s | %s |%n",
        what,
        fmt(Double.parseDouble(ours)),
        theirs == null ? "—" : fmt(Double.parseDouble(theirs)),
        theirs == null ? "—" : fmt(ratio(theirs, ours)) + "×");
  }

  static void goal(String what, boolean met, String measured) {
    System.out.printf(
        "- [%s] %s: %s (%s)%n", met ? "x" : " ", what, measured, met ? "met" : "not met");
  }

  private static double ratio(String a, String b) {
    return Double.parseDouble(a) / Double.parseDouble(b);
  }

  /** Wall time median, and in brackets the exit: end of main to end of process. */
  private static String cell(Program p) {
    return fmt(p.median(Sample::wall)) + " (" + fmt(p.median(ExitHarness::exitTime)) + ")";
  }

  private static String spread(Program p, ToDoubleFunction<Sample> metric) {
    Stats s = p.stats(metric);
    return fmt(s.median) + " [" + fmt(s.p25) + "–" + fmt(s.p75) + "] " + fmt(s.min);
  }

  static String fmt(double d) {
    return d >= 100
        ? String.format("%,.0f", d)
        : d >= 1 ? String.format("%.1f", d) : String.format("%.2f", d);
  }

  static String fmt2(double d) {
    return String.format("%.2f", d);
  }

  /**
   * The children's classpath: the harness's own, with the programs' classes read from their jar
   * ({@code -Dexitscope.bench.jar}) when it is there, as applications ship. A JVM pays once for
   * reading any jar at all (about 5 ms, cold); with the programs in a directory, the core's jar
   * would be the first jar of the exitscope programs only, and they alone would pay for that.
   */
  private static final String CLASSPATH = classpath();

  private static String classpath() {
    String own = System.getProperty("java.class.path");
    String jar = System.getProperty("exitscope.bench.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      return own;
    }
    List<String> entries = new ArrayList<>(List.of(jar));
    for (String entry : own.split(File.pathSeparator)) {
      if (!Files.isDirectory(Path.of(entry))) { // the programs' classes: in the jar now
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /**
   * {@code java <flags> -cp <classpath> dev.exitscope.bench.<main> args…}: this JVM, this
   * classpath, and the same flags for every child. The extra flags given to the harness go to the
   * programs timed as whole processes ({@code ExitProgram}, {@code SuspendProgram}), not to the
   * per-call, memory and first-use figures ({@code OpsProgram}, {@code ChurnProgram}, {@code
   * ContentionProgram}).
   */
  private List<String> java(String main, String... args) {
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.add("-Xshare:auto");
    if (main.equals("ExitProgram") || main.equals("SuspendProgram")) {
      c.addAll(jvmFlags);
    }
    c.addAll(List.of("-cp", CLASSPATH, "dev.exitscope.bench." + main));
    c.addAll(List.of(args));
    return c;
  }

  private List<String> py(String... args) {
    List<String> c = new ArrayList<>(List.of(python, script.toString()));
    c.addAll(List.of(args));
    return c;
  }

  /**
   * Runs {@code command} to its end: through {@code spawn.py}, which also reports the child's CPU
   * time, when CPython is there; else with a {@link ProcessBuilder}.
   */
  private Sample once(List<String> command) throws IOException, InterruptedException {
    if (spawner == null) {
      return spawnHere(command);
    }
    spawnerIn.write(String.join("\t", command));
    spawnerIn.newLine();
    spawnerIn.flush();
    String header = spawnerOut.readLine();
    if (header == null || !header.startsWith("@result ")) {
      throw new IllegalStateException("spawn.py: " + header);
    }
    String[] f = header.split(" ");
    Map<String, String> values = new HashMap<>();
    for (int i = Integer.parseInt(f[5]); i > 0; i--) {
      String line = spawnerOut.readLine();
      int space = line.indexOf(' ');
      if (space > 0) {
        values.put(line.substring(0, space), line.substring(space + 1));
      }
    }
    if (!f[3].equals("0")) {
      throw new IllegalStateException(command + " exited with " + f[3]);
    }
    return new Sample(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[4]), values);
  }

  private static Sample spawnHere(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    long spawn = System.nanoTime();
    Process p = pb.start();
    Map<String, String> values = new HashMap<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        int space = line.indexOf(' ');
        if (space > 0) {
          values.put(line.substring(0, space), line.substring(space + 1));
        }
      }
    }
    int status = p.waitFor();
    long end = System.nanoTime();
    if (status != 0) {
      throw new IllegalStateException(command + " exited with " + status);
    }
    return new Sample(spawn, end, -1, values);
  }

  /** The 1, 5 and 15 minute load averages, to judge how busy the machine was. */
  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /**
   * The interpreter itself, not a launcher in front of it: a pyenv shim on the {@code PATH} is a
   * shell script that adds hundreds of milliseconds to every start.
   */
  private static String findPython() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, "python3");
      if (Files.isExecutable(p)) {
        try {
          Process q =
              new ProcessBuilder(p.toString(), "-c", "import sys; print(sys.executable)")
                  .redirectErrorStream(true)
                  .start();
          String exe = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
          return q.waitFor() == 0 && Files.isExecutable(Path.of(exe)) ? exe : p.toString();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return p.toString();
        } catch (IOException | RuntimeException e) {
          return p.toString();
        }
      }
    }
    return null;
  }

  private String pythonVersion() {
    try {
      Process p = new ProcessBuilder(python, "--version").redirectErrorStream(true).start();
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "python3";
    }
  }
}
