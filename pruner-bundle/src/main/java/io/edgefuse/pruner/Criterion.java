package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import java.util.List;

/**
 * How important each conv filter is; the pruning loop removes the least important first. Raw scores:
 * the loop normalises them per layer ({@link FilterScores#normalised()}) before one global ranking,
 * the same way for every criterion.
 */
public interface Criterion {
    /** The names the CLI accepts. */
    List<String> NAMES = List.of("lrp", "l1", "taylor", "random");

    String name();

    /**
     * One score per filter of every conv node of {@code folded}; higher means keep.
     *
     * @param samples the reference samples (criteria that only look at weights ignore them)
     * @param step the loop iteration, so that a seeded criterion draws fresh numbers each time
     */
    FilterScores score(Model folded, List<Sample> samples, int step);

    /** A criterion by CLI name: lrp (with {@link LrpConfig#forPruning()}), l1, taylor, random (with the seed). */
    static Criterion named(String name, long seed) {
        return named(name, seed, LrpConfig.forPruning());
    }

    /** As {@link #named(String, long)}, with the LRP rules {@code lrp} uses. */
    static Criterion named(String name, long seed, LrpConfig lrp) {
        return named(name, seed, new LrpCriterion(lrp));
    }

    /** As {@link #named(String, long)}, with {@code lrp} as the LRP criterion. */
    static Criterion named(String name, long seed, LrpCriterion lrp) {
        return switch (name) {
            case "lrp" -> lrp;
            case "l1" -> new L1Criterion();
            case "taylor" -> new TaylorCriterion();
            case "random" -> new RandomCriterion(seed);
            default -> throw new IllegalArgumentException("unknown criterion '" + name + "' (one of " + String.join(", ", NAMES) + ")");
        };
    }
}
