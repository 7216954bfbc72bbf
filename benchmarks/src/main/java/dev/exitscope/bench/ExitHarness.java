// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Times whole processes side by side: exitscope, the JDK's hooks and CPython's atexit, in one run
 * on one machine, and prints BENCHMARKS.md's table. {@code ExitHarness <exit_program.py> [runs]}.
 */
public final class ExitHarness {
  private static final int[] HANDLERS = {1, 1_000, 10_000, 100_000};
  private static final int JDK_MAX = 10_000;

  private final String python;
  private final Path script;
  private final int runs;

  private ExitHarness(Path script, int runs) {
    this.script = script;
    this.runs = runs;
    this.python = findPython();
  }

  public static void main(String[] args) throws Exception {
    Path script = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    new ExitHarness(script, runs).report();
  }

  /** A timed child process: wall time, and time from main's end to the process's end. */
  record Timing(double wallMs, double exitMs, Map<String, String> values) {}

  private void report() throws Exception {
    System.out.printf(
        "exitscope harness: %s %s, %d cores, %s; medians of %d runs%n%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        python == null ? "no python3" : pythonVersion(),
        runs);

    Timing floor = median(java("exit", "floor", "1"));
    System.out.println(
        "| handlers | one-hook JVM (floor) | exitscope | raw JDK hooks | CPython atexit | exitscope / floor |");
    System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
    Map<Integer, Timing> ours = new HashMap<>();
    Map<Integer, Timing> cpython = new HashMap<>();
    for (int n : HANDLERS) {
      Timing es = median(java("exit", "exitscope", Integer.toString(n)));
      Timing jdk = n <= JDK_MAX ? median(java("exit", "jdk", Integer.toString(n))) : null;
      Timing py = python == null ? null : median(py("exit", Integer.toString(n)));
      ours.put(n, es);
      cpython.put(n, py);
      System.out.printf(
          "| %,d | %s | %s | %s | %s | %.2f× |%n",
          n,
          cell(floor),
          cell(es),
          jdk == null ? "not run" : cell(jdk),
          py == null ? "—" : cell(py),
          es.wallMs / floor.wallMs);
    }
    System.out.println(
        "\nEach cell: whole process wall time in ms (time from the end of main to the process's end).\n");

    Map<String, String> esOps = once(java("ops")).values;
    Map<String, String> pyOps = python == null ? Map.of() : once(py("ops")).values;
    double esMem =
        Double.parseDouble(
            once(java("memory", "exitscope", "1000000")).values.get("bytes-per-registration"));
    double jdkMem =
        Double.parseDouble(
            once(java("memory", "jdk", "100000")).values.get("bytes-per-registration"));
    String pyMem =
        python == null ? null : once(py("memory", "100000")).values.get("bytes-per-registration");
    Map<String, String> first = median(java("first")).values;
    Timing blocking =
        median(command("java", "dev.exitscope.bench.SuspendProgram", "blocking", "200"));
    Timing suspending =
        median(command("java", "dev.exitscope.bench.SuspendProgram", "suspend", "200"));
    Timing blockingCold =
        median(command("java", "dev.exitscope.bench.SuspendProgram", "blocking", "0"));
    Timing suspendingCold =
        median(command("java", "dev.exitscope.bench.SuspendProgram", "suspend", "0"));

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
        first.get("first-register-us"));
    System.out.printf(
        "| first Runtime.addShutdownHook after it (µs) | %s |%n", first.get("first-jdk-hook-us"));
    System.out.printf(
        "| one blocking handler, main works 200 ms then returns (ms) | %s |%n", cell(blocking));
    System.out.printf(
        "| one suspend handler, main works 200 ms then returns (ms) | %s |%n", cell(suspending));
    System.out.printf(
        "| one blocking handler, main returns at once (ms) | %s |%n", cell(blockingCold));
    System.out.printf(
        "| one suspend handler, main returns at once (ms) | %s |%n", cell(suspendingCold));

    System.out.println("\nGoals:");
    Timing es100k = ours.get(100_000);
    goal(
        "exit with 100,000 handlers within 1.5× the one-hook JVM + 30 ms",
        es100k.wallMs <= 1.5 * floor.wallMs + 30,
        fmt(es100k.wallMs) + " ms vs limit " + fmt(1.5 * floor.wallMs + 30) + " ms");
    if (cpython.get(100_000) != null) {
      Timing py100k = cpython.get(100_000);
      goal(
          "exit with 100,000 handlers faster than CPython's",
          es100k.wallMs < py100k.wallMs,
          fmt(es100k.wallMs) + " ms vs " + fmt(py100k.wallMs) + " ms");
      double unreg = ratio(pyOps.get("unregister-ns-20000"), esOps.get("unregister-ns-20000"));
      goal(
          "unregister at 20,000 registered ≥ 500× faster than CPython",
          unreg >= 500,
          fmt(unreg) + "×");
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
    goal("≤ 64 bytes retained per registration", esMem <= 64, fmt(esMem) + " bytes");
    double suspendCost = suspending.exitMs - blocking.exitMs;
    goal(
        "a suspend handler adds ≤ 50 ms to the exit (end of main to end of process) over a blocking one",
        suspendCost <= 50,
        fmt(suspendCost) + " ms");
    double coldCost = suspendingCold.wallMs - blockingCold.wallMs;
    goal(
        "the same when main returns at once, before the preload could finish (whole process)",
        coldCost <= 50,
        fmt(coldCost) + " ms");
  }

  private static void row(String what, String ours, String theirs) {
    System.out.printf(
        "| %s | %s | %s | %s |%n",
        what,
        fmt(Double.parseDouble(ours)),
        theirs == null ? "—" : fmt(Double.parseDouble(theirs)),
        theirs == null ? "—" : fmt(ratio(theirs, ours)) + "×");
  }

  private static void goal(String what, boolean met, String measured) {
    System.out.printf("- [%s] %s: %s%n", met ? "x" : " ", what, measured);
  }

  private static double ratio(String a, String b) {
    return Double.parseDouble(a) / Double.parseDouble(b);
  }

  private static String cell(Timing t) {
    return fmt(t.wallMs) + " (" + fmt(t.exitMs) + ")";
  }

  private static String fmt(double d) {
    return d >= 100 ? String.format("%,.0f", d) : String.format("%.1f", d);
  }

  private List<String> java(String... args) {
    List<String> c = new ArrayList<>(List.of("java", "dev.exitscope.bench.ExitProgram"));
    c.addAll(List.of(args));
    return command(c.toArray(String[]::new));
  }

  /** {@code java <main> args…} with this JVM and classpath, or any other command as is. */
  private List<String> command(String... args) {
    List<String> c = new ArrayList<>();
    if (args[0].equals("java")) {
      c.addAll(
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xshare:auto",
              "-cp",
              System.getProperty("java.class.path")));
      c.addAll(Arrays.asList(args).subList(1, args.length));
    } else {
      c.addAll(Arrays.asList(args));
    }
    return c;
  }

  private List<String> py(String... args) {
    List<String> c = new ArrayList<>(List.of(python, script.toString()));
    c.addAll(List.of(args));
    return c;
  }

  private Timing median(List<String> command) throws Exception {
    once(command); // warm the page cache
    Timing[] t = new Timing[runs];
    for (int i = 0; i < runs; i++) {
      t[i] = once(command);
    }
    Arrays.sort(t, (a, b) -> Double.compare(a.wallMs, b.wallMs));
    Timing m = t[runs / 2];
    double[] exits = Arrays.stream(t).mapToDouble(Timing::exitMs).sorted().toArray();
    return new Timing(m.wallMs, exits[runs / 2], m.values);
  }

  private static Timing once(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    long start = System.nanoTime();
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
    Instant now = Instant.now();
    if (status != 0) {
      throw new IllegalStateException(command + " exited with " + status);
    }
    double exitMs = Double.NaN;
    String mainEnd = values.get("main-end-us");
    if (mainEnd != null) {
      long nowUs = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
      exitMs = (nowUs - Long.parseLong(mainEnd)) / 1_000.0;
    }
    return new Timing((end - start) / 1e6, exitMs, values);
  }

  private static String findPython() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, "python3");
      if (Files.isExecutable(p)) {
        return p.toString();
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
