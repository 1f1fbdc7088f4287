package io.edgefuse.pruner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One score per filter of every conv node, as a criterion produced them. Scores of different layers are
 * not comparable until {@link #normalised(Normalisation)}.
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

    /** {@link #normalised(Normalisation)} by each layer's sum: every layer sums to 1 (Yeom et al.). */
    public FilterScores normalised() {
        return normalised(Normalisation.SUM);
    }

    /** Each layer's scores scaled by {@code how} (see {@link Normalisation}), so that layers share one scale. */
    public FilterScores normalised(Normalisation how) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : scores.entrySet()) out.put(e.getKey(), how.apply(e.getValue()));
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
