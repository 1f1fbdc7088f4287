package io.edgefuse.allocator.sim;

import java.util.Arrays;
import java.util.List;

/** What a simulated stream measured for one planner. */
public record SimResult(String planner, List<Double> latencies, double meanIdleFraction, long bytesMoved, int replans, int stages, int tiles) {

    public double percentile(double p) {
        double[] a = latencies.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        if (a.length == 0) return Double.NaN;
        int idx = (int) Math.ceil(p / 100.0 * a.length) - 1;
        return a[Math.max(0, Math.min(a.length - 1, idx))];
    }

    public double p50() {
        return percentile(50);
    }

    public double p95() {
        return percentile(95);
    }
}
