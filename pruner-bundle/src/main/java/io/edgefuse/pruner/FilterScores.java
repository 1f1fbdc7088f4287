package io.edgefuse.pruner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One score per filter of every conv node, as a criterion produced them. Scores of different layers are
 * not comparable until {@link #normalised()}.
 */
public final class FilterScores {
    private final Map<String, double[]> scores;

    private FilterScores(Map<String, double[]> scores) {
        this.scores = scores;
    }

    /** Scores by conv node, in model order (the arrays are copied). */
    public static FilterScores of(Map<String, double[]> byConv) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : byConv.entrySet()) {
            for (double v : e.getValue()) {
                if (!Double.isFinite(v)) throw new IllegalArgumentException("score of '" + e.getKey() + "' is not finite: " + v);
            }
            m.put(e.getKey(), e.getValue().clone());
        }
        return new FilterScores(m);
    }

    /** Conv nodes in model order. */
    public List<String> layers() {
        return List.copyOf(scores.keySet());
    }

    public double[] scores(String node) {
        double[] v = scores.get(node);
        if (v == null) throw new IllegalArgumentException("no conv node '" + node + "'");
        return v.clone();
    }

    /**
     * Each layer's scores divided by that layer's sum, so that every layer sums to 1 and filters of layers
     * with very different totals can share one ranking (Yeom et al.). A layer whose sum is not positive
     * (only possible when negative scores dominate) is divided by its sum of absolute values instead,
     * which keeps the order within the layer; an all-zero layer stays zero.
     */
    public FilterScores normalised() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            double[] v = e.getValue().clone();
            double sum = 0, abs = 0;
            for (double x : v) {
                sum += x;
                abs += Math.abs(x);
            }
            double d = sum > 0 ? sum : abs;
            if (d > 0) {
                for (int k = 0; k < v.length; k++) v[k] /= d;
            }
            out.put(e.getKey(), v);
        }
        return new FilterScores(out);
    }

    /** All filters of all layers, least relevant first (ties: model order, then filter index). */
    public List<FilterScore> ranked() {
        List<FilterScore> all = new ArrayList<>();
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            double[] v = e.getValue();
            for (int k = 0; k < v.length; k++) all.add(new FilterScore(e.getKey(), k, v[k]));
        }
        all.sort(Comparator.comparingDouble(FilterScore::score));
        return all;
    }
}
