#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright The exitscope authors
"""What each change bought for issue 21: ChurnProgram run against several commits' cores, side by side.

Usage (from the repository root, after `mvn -B -q -DskipTests -pl benchmarks -am package`):

    python3 benchmarks/src/main/python/churn_commits.py ROUNDS COMMIT...

Each commit's core is compiled as commits.py compiles it. Then, ROUNDS times, in an order that
rotates from round to round, every core runs the current ChurnProgram's three modes in a JVM each:
churn (register + unregister and closing + unregister against a synchronized LinkedHashSet, in the
same JVM), drain (unregister by equality at 20,000) and colliding (5,000 handlers with one hash code
against a HashSet). Prints, per core, the median over the rounds of each figure's best warm round,
by the thread's CPU clock (ns per call), and the ratio to the floor measured in the same JVM.
"""
import os, statistics, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from commits import BENCH, build  # noqa: E402

MODES = [["churn", "6"], ["drain", "20000", "11"], ["colliding", "5000", "5"]]
STATES = ["10-oldest", "10-random", "10000-oldest", "10000-random"]


def run(classpath, mode):
    p = subprocess.run(["java", "-cp", classpath, "dev.exitscope.bench.ChurnProgram"] + mode,
                       capture_output=True, text=True, check=True)
    return {line.split()[0]: float(line.split()[1]) for line in p.stdout.splitlines()}


def main():
    rounds, commits = int(sys.argv[1]), sys.argv[2:]
    with open("/proc/loadavg") as f:
        print("load average at the start:", f.read().strip())
    with tempfile.TemporaryDirectory() as work:
        cores = [(c, build(c, work) + os.pathsep + BENCH) for c in commits]
        values = {c: {} for c in commits}
        for r in range(rounds):
            order = cores[r % len(cores):] + cores[:r % len(cores)]
            for name, cp in order:
                for mode in MODES:
                    for k, v in run(cp, mode).items():
                        values[name].setdefault(k, []).append(v)
    m = {c: {k: statistics.median(v) for k, v in values[c].items()} for c in commits}
    print(f"\nmedians over {rounds} rounds of each JVM's best warm round, thread CPU clock, ns per call")
    print("| core | " + " | ".join(f"register {s} | closing {s} | LinkedHashSet {s}" for s in STATES)
          + " | drain 20,000 | colliding 5,000 | HashSet |")
    print("| --- |" + " ---: |" * (3 * len(STATES) + 3))
    for c in commits:
        row = [c]
        for s in STATES:
            floor = m[c][f"churn-linkedHashSet-{s}-cpu-best"]
            for kind in ("register", "closing"):
                v = m[c][f"churn-{kind}-{s}-cpu-best"]
                row.append(f"{v:.1f} ({v / floor:.2f}×)")
            row.append(f"{floor:.1f}")
        row.append(f"{m[c]['drain-20000-cpu-best']:.1f}")
        hs = m[c]["colliding-hashSet-5000-cpu-best"]
        cs = m[c]["colliding-exitscope-5000-cpu-best"]
        row.append(f"{cs:,.0f} ({cs / hs:.2f}×)")
        row.append(f"{hs:,.0f}")
        print("| " + " | ".join(row) + " |")
    with open("/proc/loadavg") as f:
        print("load average at the end:", f.read().strip())


if __name__ == "__main__":
    main()
