package io.edgefuse.pruner;

import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the pruning loop.
 *
 * @param adaptive adaptive rate (grow after a good step, shrink and undo after a bad one) or a fixed rate
 * @param initialRate r_0: the fraction of the remaining removable filters the first step removes (the
 *     fixed rate in fixed mode)
 * @param growth factor applied to r after an accepted step (adaptive)
 * @param shrink factor applied to r after an undone step (adaptive)
 * @param maxRate upper bound of r
 * @param tolerance largest drop of validation accuracy (fraction, 0.01 = 1 point) one step may cause
 *     and still count as good (adaptive)
 * @param targetFlopsRemoved stop once this fraction of the original FLOPs is gone (NaN: no target)
 * @param maxAccuracyDrop stop before validation accuracy falls more than this below the original's
 *     (fraction; NaN: no budget)
 * @param checkpoints fractions of FLOPs removed at which the loop stops exactly and reports the model
 *     (ascending; steps are clipped so as not to jump over one)
 * @param maxIterations a safety bound on steps (accepted or undone)
 * @param channelMultiple every group keeps a multiple of this many filters (1: any count); see
 *     {@link GlobalRanking#lowest(int, int)}
 * @param ranking normalisation, cost weighting and layer floor of the global ranking (all criteria alike)
 * @param meanCompensation fold each removed channel's mean (over the reference samples) into the biases of
 *     the layers that read it ({@link MeanCompensation}); no training
 * @param bnReestimate after every removal, set each batch norm's mean and variance to the statistics of
 *     its input over the reference samples ({@link BatchNormReestimation}); the loop then keeps the batch
 *     norms unfolded and folds them only to score, count FLOPs, evaluate and return the model
 */
public record PruningConfig(boolean adaptive, double initialRate, double growth, double shrink, double maxRate,
        double tolerance, double targetFlopsRemoved, double maxAccuracyDrop, List<Double> checkpoints, int maxIterations, int channelMultiple,
        RankingConfig ranking, boolean meanCompensation, boolean bnReestimate) {

    /** The default ranking ({@link RankingConfig#defaults()}), no mean compensation. */
    public PruningConfig(boolean adaptive, double initialRate, double growth, double shrink, double maxRate,
            double tolerance, double targetFlopsRemoved, double maxAccuracyDrop, List<Double> checkpoints, int maxIterations, int channelMultiple) {
        this(adaptive, initialRate, growth, shrink, maxRate, tolerance, targetFlopsRemoved, maxAccuracyDrop, checkpoints, maxIterations, channelMultiple,
                RankingConfig.defaults(), false, false);
    }

    /** Any channel count. */
    public PruningConfig(boolean adaptive, double initialRate, double growth, double shrink, double maxRate,
            double tolerance, double targetFlopsRemoved, double maxAccuracyDrop, List<Double> checkpoints, int maxIterations) {
        this(adaptive, initialRate, growth, shrink, maxRate, tolerance, targetFlopsRemoved, maxAccuracyDrop, checkpoints, maxIterations, 1);
    }

    public PruningConfig {
        if (!(initialRate > 0 && initialRate <= 1)) throw new IllegalArgumentException("rate must be in (0, 1], got " + initialRate);
        if (!(growth >= 1) || !(shrink > 0 && shrink <= 1)) throw new IllegalArgumentException("growth must be >= 1 and shrink in (0, 1]");
        if (!(maxRate >= initialRate && maxRate <= 1)) throw new IllegalArgumentException("max rate must be in [rate, 1], got " + maxRate);
        if (!(tolerance >= 0)) throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
        if (!Double.isNaN(targetFlopsRemoved) && !(targetFlopsRemoved > 0 && targetFlopsRemoved < 1)) {
            throw new IllegalArgumentException("FLOPs target (fraction removed) must be in (0, 1), got " + targetFlopsRemoved);
        }
        if (!Double.isNaN(maxAccuracyDrop) && !(maxAccuracyDrop >= 0 && maxAccuracyDrop < 1)) {
            throw new IllegalArgumentException("accuracy budget must be in [0, 1), got " + maxAccuracyDrop);
        }
        if (Double.isNaN(targetFlopsRemoved) && Double.isNaN(maxAccuracyDrop) && checkpoints.isEmpty()) {
            throw new IllegalArgumentException("give a FLOPs target or an accuracy budget (or checkpoints), else the loop has no end");
        }
        List<Double> c = new ArrayList<>(checkpoints);
        for (int i = 0; i < c.size(); i++) {
            double p = c.get(i);
            if (!(p > 0 && p < 1)) throw new IllegalArgumentException("checkpoint " + p + " must be a fraction of FLOPs removed in (0, 1)");
            if (i > 0 && !(p > c.get(i - 1))) throw new IllegalArgumentException("checkpoints must be ascending: " + checkpoints);
        }
        checkpoints = List.copyOf(c);
        if (maxIterations < 1) throw new IllegalArgumentException("maxIterations must be >= 1");
        if (channelMultiple < 1) throw new IllegalArgumentException("channel multiple must be >= 1, got " + channelMultiple);
        if (ranking == null) throw new IllegalArgumentException("ranking is required");
    }

    /** This configuration with another ranking. */
    public PruningConfig withRanking(RankingConfig r) {
        return new PruningConfig(adaptive, initialRate, growth, shrink, maxRate, tolerance, targetFlopsRemoved, maxAccuracyDrop, checkpoints, maxIterations,
                channelMultiple, r, meanCompensation, bnReestimate);
    }

    /** This configuration with mean compensation on or off. */
    public PruningConfig withMeanCompensation(boolean on) {
        return new PruningConfig(adaptive, initialRate, growth, shrink, maxRate, tolerance, targetFlopsRemoved, maxAccuracyDrop, checkpoints, maxIterations,
                channelMultiple, ranking, on, bnReestimate);
    }

    /** This configuration with batch-norm re-estimation after every removal on or off. */
    public PruningConfig withBnReestimate(boolean on) {
        return new PruningConfig(adaptive, initialRate, growth, shrink, maxRate, tolerance, targetFlopsRemoved, maxAccuracyDrop, checkpoints, maxIterations,
                channelMultiple, ranking, meanCompensation, on);
    }

    /** Adaptive: r_0 = 5% (Yeom et al.'s fixed step), x1.5 after a good step, x0.5 and undo after a bad one, tolerance 1 point. */
    public static PruningConfig adaptive(double targetFlopsRemoved, double maxAccuracyDrop) {
        return new PruningConfig(true, 0.05, 1.5, 0.5, 0.5, 0.01, targetFlopsRemoved, maxAccuracyDrop, List.of(), 500);
    }

    /** Every step removes {@code rate} of the remaining removable filters; nothing is undone. */
    public static PruningConfig fixed(double rate, double targetFlopsRemoved, double maxAccuracyDrop) {
        return new PruningConfig(false, rate, 1, 1, rate, 0, targetFlopsRemoved, maxAccuracyDrop, List.of(), 500);
    }

    /** The FLOPs fraction at which the loop ends for lack of a further target: the target, else the last checkpoint, else NaN. */
    double finalFlopsTarget() {
        double t = targetFlopsRemoved;
        if (!checkpoints.isEmpty()) {
            double last = checkpoints.get(checkpoints.size() - 1);
            t = Double.isNaN(t) ? last : Math.max(t, last);
        }
        return t;
    }
}
