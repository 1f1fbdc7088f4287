package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Relevance of every conv filter: the relevance of its output map summed over positions, averaged over
 * reference samples (Yeom et al. use K per class). Scores of different layers are not comparable until
 * {@link #normalised()}.
 */
public final class FilterRelevance {
    private final Map<String, double[]> scores;

    private FilterRelevance(Map<String, double[]> scores) {
        this.scores = scores;
    }

    /** Scores every conv2d node of a (folded) model over the samples. */
    public static FilterRelevance compute(Model folded, List<Sample> samples, LrpConfig cfg) {
        if (samples.isEmpty()) throw new IllegalArgumentException("no reference samples");
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (Node n : folded.nodes()) {
            if (n.op() instanceof Op.Conv2D c) sums.put(n.name(), new double[c.filters()]);
        }
        for (Sample s : samples) {
            Relevance r = Lrp.relevance(folded, s.input(), s.label(), cfg);
            for (Map.Entry<String, double[]> e : sums.entrySet()) {
                double[] f = r.channelSums(e.getKey());
                for (int k = 0; k < f.length; k++) e.getValue()[k] += f[k];
            }
        }
        for (double[] v : sums.values()) {
            for (int k = 0; k < v.length; k++) v[k] /= samples.size();
        }
        return new FilterRelevance(sums);
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
     * with very different total relevance can share one ranking (Yeom et al.). A layer whose sum is not
     * positive (only possible when negative relevance dominates) is divided by its sum of absolute values
     * instead, which keeps the order within the layer; an all-zero layer stays zero.
     */
    public FilterRelevance normalised() {
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
        return new FilterRelevance(out);
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
