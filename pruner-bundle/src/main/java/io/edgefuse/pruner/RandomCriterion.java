package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Uniform random scores in (0, 1], drawn afresh at each step from (seed, step): the floor any criterion must beat. */
public record RandomCriterion(long seed) implements Criterion {
    @Override
    public String name() {
        return "random";
    }

    @Override
    public FilterScores score(Model folded, List<Sample> samples, int step) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + step);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Node n : folded.nodes()) {
            if (!(n.op() instanceof Op.Conv2D c)) continue;
            double[] s = new double[c.filters()];
            for (int k = 0; k < s.length; k++) s[k] = 1 - rnd.nextDouble();
            out.put(n.name(), s);
        }
        return FilterScores.of(out);
    }
}
