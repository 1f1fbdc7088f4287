package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import java.util.List;

/** LRP relevance of each filter (Yeom et al. 2021), see {@link FilterRelevance}. */
public record LrpCriterion(LrpConfig config, FilterRelevance.Aggregation aggregation) implements Criterion {
    public LrpCriterion {
        if (config == null || aggregation == null) throw new IllegalArgumentException("LRP rules and aggregation are required");
    }

    /** The signed mean over samples. */
    public LrpCriterion(LrpConfig config) {
        this(config, FilterRelevance.Aggregation.SIGNED);
    }

    @Override
    public String name() {
        return "lrp";
    }

    @Override
    public FilterScores score(Model folded, List<Sample> samples, int step) {
        return FilterRelevance.compute(folded, samples, config, aggregation);
    }
}
