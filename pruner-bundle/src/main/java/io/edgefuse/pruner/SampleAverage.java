package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Per-sample, per-filter quantities averaged over reference samples, computed in parallel. */
final class SampleAverage {
    private SampleAverage() {}

    /** The mean over samples of per-conv vectors (one entry per filter); samples run on the common pool. */
    static FilterScores average(Model m, List<Sample> samples, Function<Sample, Map<String, double[]>> perSample) {
        if (samples.isEmpty()) throw new IllegalArgumentException("no reference samples");
        List<Map<String, double[]>> parts = samples.parallelStream().map(perSample).toList();
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (Node n : m.nodes()) {
            if (n.op() instanceof Op.Conv2D c) sums.put(n.name(), new double[c.filters()]);
        }
        // Summed in sample order, so the result does not depend on thread scheduling.
        for (Map<String, double[]> p : parts) {
            for (Map.Entry<String, double[]> e : sums.entrySet()) {
                double[] f = p.get(e.getKey());
                for (int k = 0; k < f.length; k++) e.getValue()[k] += f[k];
            }
        }
        for (double[] v : sums.values()) {
            for (int k = 0; k < v.length; k++) v[k] /= samples.size();
        }
        return FilterScores.of(sums);
    }
}
