package io.edgefuse.pruner;

/**
 * How criterion scores become one global list of units, the same for every criterion.
 *
 * @param normalisation how each layer's scores are scaled before layers are compared
 * @param costAware rank by normalised score per FLOP the unit saves (relative to the mean unit), so
 *     that a filter of an early 28x28 layer, which costs several times the FLOPs of a late one, must be
 *     that much more important to stay
 * @param layerFloor every group keeps at least this fraction of its original filters (0: only one
 *     filter must stay); stops a criterion whose scores are concentrated on few filters from emptying a
 *     layer
 * @param flopsPenalty lambda of Molchanov et al. 2017's FLOPs regularisation: the unit's normalised
 *     score minus lambda times the FLOPs it saves relative to the mean unit (0: off). Unlike
 *     {@code costAware} it shifts, not scales, so a clearly important filter stays important however
 *     much it costs; exclusive with {@code costAware}
 * @param probeFraction with {@link Normalisation#LOSS}: the fraction of each group's current filters the loss
 *     probe removes (its lowest-ranked ones by the criterion, at least one, never below the layer floor)
 * @param probeMetric with {@link Normalisation#LOSS}: what the probe measures
 * @param probeUnmeasured with {@link Normalisation#LOSS}: the scale of a layer whose probe measured no cost
 */
public record RankingConfig(Normalisation normalisation, boolean costAware, double layerFloor, double flopsPenalty, double probeFraction,
        LossProbe.Metric probeMetric, LossProbe.Unmeasured probeUnmeasured) {
    /** The loss probe's default fraction of a layer (docs/pruning.md, "Loss-calibrated ranking"). */
    public static final double PROBE_FRACTION = 0.1;
    /** The loss probe's default metric (docs/pruning.md, "Loss-calibrated ranking"). */
    public static final LossProbe.Metric PROBE_METRIC = LossProbe.Metric.CROSS_ENTROPY;
    /** The default for a layer whose probe measured no cost (docs/pruning.md, "Loss-calibrated ranking"). */
    public static final LossProbe.Unmeasured PROBE_UNMEASURED = LossProbe.Unmeasured.FLOOR;

    public RankingConfig {
        if (normalisation == null) throw new IllegalArgumentException("normalisation is required");
        if (!(layerFloor >= 0 && layerFloor < 1)) throw new IllegalArgumentException("layer floor must be in [0, 1), got " + layerFloor);
        if (!(flopsPenalty >= 0 && Double.isFinite(flopsPenalty))) throw new IllegalArgumentException("FLOPs penalty must be >= 0, got " + flopsPenalty);
        if (costAware && flopsPenalty > 0) throw new IllegalArgumentException("per-FLOP cost and a FLOPs penalty are two ways to weigh the same thing: choose one");
        if (probeMetric == null || probeUnmeasured == null) throw new IllegalArgumentException("loss probe metric and fallback are required");
        if (!(probeFraction > 0 && probeFraction < 1)) throw new IllegalArgumentException("loss probe fraction must be in (0, 1), got " + probeFraction);
        // The penalty is in units of the mean-normalised score (about 1 per filter); loss-calibrated scores are in nats.
        if (normalisation == Normalisation.LOSS && flopsPenalty > 0) {
            throw new IllegalArgumentException("a FLOPs penalty is in units of mean-normalised scores and does not apply to loss-calibrated ones: use the per-FLOP cost");
        }
    }

    /** The default probe fraction and metric. */
    public RankingConfig(Normalisation normalisation, boolean costAware, double layerFloor, double flopsPenalty) {
        this(normalisation, costAware, layerFloor, flopsPenalty, PROBE_FRACTION, PROBE_METRIC, PROBE_UNMEASURED);
    }

    /** Without a FLOPs penalty. */
    public RankingConfig(Normalisation normalisation, boolean costAware, double layerFloor) {
        this(normalisation, costAware, layerFloor, 0);
    }

    /** Whether the ranking needs a {@link LossProbe}. */
    public boolean probesLoss() {
        return normalisation == Normalisation.LOSS;
    }

    /** Whether units need the FLOPs they save. */
    boolean weighsFlops() {
        return costAware || flopsPenalty > 0;
    }

    /**
     * Mean normalisation and a floor of a quarter of each layer: on the validation split these gave LRP
     * 91.0 / 68.0 / 14.8% at 30 / 50 / 70% FLOPs removed on fmnist-vgg against 85.6 / 31.7 / 10.1% with the
     * sum (docs/pruning.md, "Normalisation").
     */
    public static RankingConfig defaults() {
        return new RankingConfig(Normalisation.MEAN, false, 0.25);
    }

    /** Last session's ranking: per-layer sum, no cost weighting, no floor. */
    public static RankingConfig sum() {
        return new RankingConfig(Normalisation.SUM, false, 0);
    }

    public String describe() {
        return normalisation.cliName() + " normalisation"
                + (probesLoss() ? String.format(java.util.Locale.ROOT, " (probe %.2f of each layer, %s, unmeasured: %s)", probeFraction, probeMetric.cliName(),
                        probeUnmeasured.cliName()) : "") + (costAware ? ", per FLOP saved" : "")
                + (flopsPenalty > 0 ? String.format(java.util.Locale.ROOT, ", FLOPs penalty %.2f", flopsPenalty) : "")
                + (layerFloor > 0 ? String.format(java.util.Locale.ROOT, ", layer floor %.2f", layerFloor) : "");
    }
}
