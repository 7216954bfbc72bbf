"""CPython's side of the harness: the same programs as ExitProgram.java, printing `key value` lines."""
import atexit
import sys
import time
import tracemalloc


def noop():
    pass


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


def median(rounds, fn):
    fn()
    results = sorted(fn() for _ in range(rounds))
    return results[rounds // 2]


def main():
    mode = sys.argv[1]
    if mode == "exit":
        for _ in range(int(sys.argv[2])):
            atexit.register(noop)
        print("main-end-us", time.time_ns() // 1000, flush=True)
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
            calls = 2_000 if registered > 1_000 else 20_000

            def unregister_round():
                t0 = time.perf_counter_ns()
                for i in range(calls):
                    k = (i * 7919) % registered
                    atexit.unregister(Keyed(k))
                    atexit.register(keys[k])
                return (time.perf_counter_ns() - t0) / calls

            print("unregister-ns-%d" % registered, median(3, unregister_round))
        atexit._clear()


if __name__ == "__main__":
    main()
