"""The harness's process runner: spawns each child itself, so that it can report the child's CPU time.

Java cannot read a child's resource usage (its process reaper reaps the child at once), and on a
shared machine the CPU time moves far less with the load than the wall time does. Reads one command
per line on stdin, its arguments separated by tabs (the first an absolute path); for each, writes
`@result <spawn ns> <end ns> <exit code> <cpu ns> <lines>` and then the child's stdout lines. The
stamps are time.monotonic_ns(), CLOCK_MONOTONIC: the clock of the children's own stamps. The child's
stderr is this process's, which the harness inherits.
"""
import os
import sys
import time


def run(argv):
    r, w = os.pipe()
    spawn = time.monotonic_ns()
    pid = os.posix_spawn(
        argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, w, 1)]
    )
    os.close(w)
    chunks = []
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    _, status, usage = os.wait4(pid, 0)
    end = time.monotonic_ns()
    os.close(r)
    cpu = round((usage.ru_utime + usage.ru_stime) * 1e9)
    lines = b"".join(chunks).decode("utf-8", "replace").splitlines()
    code = os.waitstatus_to_exitcode(status)
    out = ["@result %d %d %d %d %d" % (spawn, end, code, cpu, len(lines))] + lines
    sys.stdout.write("\n".join(out) + "\n")
    sys.stdout.flush()


def main():
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line:
            run(line.split("\t"))


if __name__ == "__main__":
    main()
