package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * First-order Taylor importance (Molchanov et al. 2019, "Importance estimation for neural network
 * pruning"): the squared first-order change of the loss when a filter's output is switched off. With a
 * gate of 1 on the filter's (folded, i.e. post-batch-norm) output map a, dL/dgate = sum over positions of
 * a * dL/da, so the score is (sum_positions a * dL/da)^2, averaged over the samples. The loss is the
 * cross-entropy of the sample's true class.
 */
public record TaylorCriterion() implements Criterion {
    @Override
    public String name() {
        return "taylor";
    }

    @Override
    public FilterScores score(Model folded, List<Sample> samples, int step) {
        return SampleAverage.average(folded, samples, s -> {
            Gradient.Result r = Gradient.of(folded, s.input(), s.label());
            Map<String, double[]> perConv = new LinkedHashMap<>();
            for (Node n : folded.nodes()) {
                if (!(n.op() instanceof Op.Conv2D)) continue;
                double[] g = Gradient.gateGradient(folded, r, n.name());
                for (int k = 0; k < g.length; k++) g[k] *= g[k];
                perConv.put(n.name(), g);
            }
            return perConv;
        });
    }
}
