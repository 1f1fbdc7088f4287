package io.edgefuse.runtime.testbed;

/**
 * This host's single-core scalar speed on the benchmark the device profiles' scalar scores come from:
 * `sysbench cpu` (1.0.20), whose event tests every number below --cpu-max-prime (10000) for primality by
 * trial division. This is its loop in Java (JIT-compiled, the loop compiles to the same 64-bit integer
 * divisions), so the emulated cluster needs no sysbench binary; on this project's host the two agree
 * within a few percent (docs/testbed.md). Single-threaded: it scores one core.
 */
public final class ScalarBench {
    /** sysbench's default --cpu-max-prime. */
    static final long MAX_PRIME = 10_000;

    private ScalarBench() {}

    /** Events per second over {@code seconds} (after a second of JIT warm-up). */
    public static double eventsPerSecond(double seconds) {
        run(1.0);
        return run(seconds);
    }

    private static double run(double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9), t0 = System.nanoTime();
        long events = 0, sink = 0;
        while (System.nanoTime() < end) {
            sink += event();
            events++;
        }
        if (sink == 42) System.out.print(""); // keeps the loop's result alive
        return events / ((System.nanoTime() - t0) / 1e9);
    }

    /** One sysbench cpu event: the count of primes below MAX_PRIME, by trial division up to the square root. */
    static long event() {
        long n = 0;
        for (long c = 3; c < MAX_PRIME; c++) {
            double t = Math.sqrt((double) c);
            long l;
            for (l = 2; l <= t; l++) {
                if (c % l == 0) break;
            }
            if (l > t) n++;
        }
        return n;
    }
}
