"""CPython's side of the harness: the same programs as ExitProgram.java, printing `key value` lines."""
import atexit
import sys
import time
import tracemalloc


def noop():
    pass


# The timed exit: the same work per handler as the JVM programs' Timeline.handled, the same stamps
# (time.monotonic_ns is CLOCK_MONOTONIC, the clock of the JVM's System.nanoTime on Linux).
stamps = {}
newest = 0
expected = 0
disorder = 0


def handled(i):
    global expected, disorder
    if i == newest:
        stamps["t-first-start"] = time.monotonic_ns()
    expected -= 1
    if i != expected:
        disorder += 1
    if i == 0:
        stamps["t-last-end"] = time.monotonic_ns()
        stamps["disorder"] = disorder
        sys.stdout.write("".join("%s %d\n" % kv for kv in stamps.items()))
        sys.stdout.flush()


def timed_exit(n):
    global newest, expected
    newest, expected = n - 1, n
    stamps["t-register-start"] = time.monotonic_ns()
    for i in range(n):
        atexit.register(handled, i)
    stamps["t-register-end"] = time.monotonic_ns()


class Keyed:
    """Equal by key, as the Java side's Keyed record."""

    def __init__(self, key):
        self.key = key

    def __eq__(self, other):
        return isinstance(other, Keyed) and other.key == self.key

    def __hash__(self):
        return self.key

    def __call__(self):
        pass


class Bound:
    """Whose bound method is the handler: a new, equal bound method at each attribute access."""

    ran = 0

    def handle(self):
        Bound.ran += 1


def drain(n):
    """Issue 21: register n bound methods, then unregister each, oldest first, by an equal new one."""
    objects = [Bound() for _ in range(n)]
    atexit._clear()
    for o in objects:
        atexit.register(o.handle)
    t0 = time.perf_counter_ns()
    for o in objects:
        atexit.unregister(o.handle)
    took = time.perf_counter_ns() - t0
    atexit._run_exitfuncs()  # (_ncallbacks() counts the holes unregister leaves until a run)
    if Bound.ran != 0:
        raise AssertionError("%d not unregistered" % Bound.ran)
    return took / n


def median(rounds, fn):
    fn()
    results = sorted(fn() for _ in range(rounds))
    return results[rounds // 2]


def main():
    mode = sys.argv[1]
    if mode == "exit":
        timed_exit(int(sys.argv[2]))
    elif mode == "memory":
        n = int(sys.argv[2])
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(n):
            atexit.register(noop)
        after = tracemalloc.get_traced_memory()[0]
        print("bytes-per-registration", (after - before) / n)
        atexit._clear()
    elif mode == "ops":
        def register_round():
            batch, batches, took = 1_000, 1_000, 0
            for _ in range(batches):
                atexit._clear()
                t0 = time.perf_counter_ns()
                for _ in range(batch):
                    atexit.register(noop)
                took += time.perf_counter_ns() - t0
            atexit._clear()
            return took / (batch * batches)

        print("register-ns", median(5, register_round))
        for registered in (1_000, 20_000):
            atexit._clear()
            keys = [Keyed(i) for i in range(registered)]
            for k in keys:
                atexit.register(k)
            calls = 500 if registered > 1_000 else 5_000  # about 1 s a round: a scan per call

            def unregister_round():
                t0 = time.perf_counter_ns()
                for i in range(calls):
                    k = (i * 7919) % registered
                    atexit.unregister(Keyed(k))
                    atexit.register(keys[k])
                return (time.perf_counter_ns() - t0) / calls

            print("unregister-ns-%d" % registered, median(3, unregister_round))
        atexit._clear()
    elif mode == "drain":
        print("drain-%s" % sys.argv[2], drain(int(sys.argv[2])))


if __name__ == "__main__":
    stamps["t-main-start"] = time.monotonic_ns()
    main()
    stamps["t-main-end"] = time.monotonic_ns()  # the script's last action
