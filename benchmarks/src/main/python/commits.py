#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright The exitscope authors
"""What each change bought: the whole-process exit timed against several commits' cores, side by side.

Usage (from the repository root, after `mvn -B -q -DskipTests -pl benchmarks -am package`):

    python3 benchmarks/src/main/python/commits.py ROUNDS COMMIT...

For each commit, its core's sources (git archive) are compiled with javac as the build compiles them
(release 17, string concatenation inlined). The current benchmarks' ExitProgram, which uses only
ExitScope.global().register, then runs with each core and with the plain list, interleaved round by
round, at 1, 10,000 and 100,000 handlers. Prints medians: wall time, register, end of main to the
first handler, run, last handler to the process's end, and the ratio to the plain list.
"""
import os, statistics, subprocess, sys, tempfile, time

ROOT = os.getcwd()
BENCH = os.path.join(ROOT, "benchmarks/target/classes")
JSPECIFY = os.path.expanduser("~/.m2/repository/org/jspecify/jspecify/1.0.0/jspecify-1.0.0.jar")


def build(commit, work):
    out = os.path.join(work, commit)
    src = os.path.join(out, "src")
    os.makedirs(src)
    archive = subprocess.run(["git", "archive", commit, "core/src/main/java"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", src], input=archive.stdout, check=True)
    files = [os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs
             if f.endswith(".java") and f != "module-info.java"]
    classes = os.path.join(out, "classes")
    subprocess.run(["javac", "-nowarn", "--release", "17", "-XDstringConcat=inline", "-cp", JSPECIFY,
                    "-d", classes] + files, check=True)
    return classes


def run(classpath, program, n):
    start = time.monotonic_ns()
    p = subprocess.run(["java", "-cp", classpath, "dev.exitscope.bench.ExitProgram", program, str(n)],
                       capture_output=True, text=True, check=True)
    end = time.monotonic_ns()
    t = {l.split()[0]: int(l.split()[1]) for l in p.stdout.splitlines() if l.startswith("t-")}
    return {"wall": end - start, "register": t["t-register-end"] - t["t-register-start"],
            "to first": t["t-first-start"] - t["t-main-end"], "run": t["t-last-end"] - t["t-first-start"],
            "after last": end - t["t-last-end"]}


def main():
    rounds, commits = int(sys.argv[1]), sys.argv[2:]
    with tempfile.TemporaryDirectory() as work:
        variants = [("plain list", "list", BENCH)]
        variants += [(c, "exitscope", build(c, work) + os.pathsep + BENCH) for c in commits]
        for n in (1, 10_000, 100_000):
            times = {name: [] for name, _, _ in variants}
            for r in range(rounds + 1):  # the first round warms the file cache and is not counted
                order = variants[r % len(variants):] + variants[:r % len(variants)]
                for name, program, cp in order:
                    if r:
                        times[name].append(run(cp, program, n))
            floor = statistics.median(t["wall"] for t in times["plain list"])
            print(f"\n{n:,} handlers, medians of {rounds} rounds (ms)")
            print("| core | wall | / plain list | register | end of main → first handler | run | last handler → end |")
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
            for name, _, _ in variants:
                m = {k: statistics.median(t[k] for t in times[name]) / 1e6 for k in times[name][0]}
                print(f"| {name} | {m['wall']:.1f} | {m['wall'] * 1e6 / floor:.2f}× | {m['register']:.1f} | "
                      f"{m['to first']:.1f} | {m['run']:.1f} | {m['after last']:.1f} |")


if __name__ == "__main__":
    main()
