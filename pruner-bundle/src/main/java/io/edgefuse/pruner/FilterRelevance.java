package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LRP relevance of every conv filter: the relevance of its output map summed over positions, averaged
 * over reference samples (Yeom et al. use K per class). Samples are independent, so they are spread over
 * the available cores.
 */
public final class FilterRelevance {
    private FilterRelevance() {}

    /** How one filter's per-sample relevances become its score. */
    public enum Aggregation {
        /** The mean of the signed per-sample sums (Yeom et al.): a filter for some samples and against others can cancel out. */
        SIGNED,
        /** The mean of their magnitudes, as Taylor squares each sample's gate gradient: a filter that matters either way counts. */
        ABSOLUTE;

        /** The CLI spelling. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Aggregation named(String name) {
            for (Aggregation a : values()) if (a.cliName().equals(name)) return a;
            throw new IllegalArgumentException("unknown aggregation '" + name + "' (signed or absolute)");
        }
    }

    /** Scores every conv2d node of a (folded) model over the samples, signed mean. */
    public static FilterScores compute(Model folded, List<Sample> samples, LrpConfig cfg) {
        return compute(folded, samples, cfg, Aggregation.SIGNED);
    }

    /** Scores every conv2d node of a (folded) model over the samples. */
    public static FilterScores compute(Model folded, List<Sample> samples, LrpConfig cfg, Aggregation aggregation) {
        return SampleAverage.average(folded, samples, s -> {
            Relevance r = Lrp.relevance(folded, s.input(), s.label(), cfg);
            Map<String, double[]> perConv = new LinkedHashMap<>();
            for (Node n : folded.nodes()) {
                if (!(n.op() instanceof Op.Conv2D)) continue;
                double[] v = r.channelSums(n.name());
                if (aggregation == Aggregation.ABSOLUTE) {
                    for (int k = 0; k < v.length; k++) v[k] = Math.abs(v[k]);
                }
                perConv.put(n.name(), v);
            }
            return perConv;
        });
    }
}
