package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LRP relevance of every conv filter: the relevance of its output map summed over positions, averaged
 * over reference samples (Yeom et al. use K per class). Samples are independent, so they are spread over
 * the available cores.
 */
public final class FilterRelevance {
    private FilterRelevance() {}

    /** Scores every conv2d node of a (folded) model over the samples. */
    public static FilterScores compute(Model folded, List<Sample> samples, LrpConfig cfg) {
        return SampleAverage.average(folded, samples, s -> {
            Relevance r = Lrp.relevance(folded, s.input(), s.label(), cfg);
            Map<String, double[]> perConv = new LinkedHashMap<>();
            for (Node n : folded.nodes()) {
                if (n.op() instanceof Op.Conv2D) perConv.put(n.name(), r.channelSums(n.name()));
            }
            return perConv;
        });
    }
}
