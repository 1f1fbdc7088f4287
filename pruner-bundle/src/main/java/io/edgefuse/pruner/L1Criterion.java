package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Li et al. 2017 ("Pruning filters for efficient ConvNets"): the L1 norm of each filter's weights. On a
 * folded model the weights include the batch norm's scale gamma / sigma, i.e. the filter as the network
 * applies it. Needs no data.
 */
public record L1Criterion() implements Criterion {
    @Override
    public String name() {
        return "l1";
    }

    @Override
    public FilterScores score(Model folded, List<Sample> samples, int step) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Node n : folded.nodes()) {
            if (!(n.op() instanceof Op.Conv2D c)) continue;
            float[] w = folded.weight(n.name() + ".weight").data();
            int co = c.filters();
            double[] s = new double[co];
            // HWIO: the output channel is the fastest index.
            for (int k = 0; k < w.length; k++) s[k % co] += Math.abs(w[k]);
            out.put(n.name(), s);
        }
        return FilterScores.of(out);
    }
}
