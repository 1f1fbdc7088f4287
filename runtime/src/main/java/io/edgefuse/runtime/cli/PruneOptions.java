package io.edgefuse.runtime.cli;

import io.edgefuse.pruner.FilterRelevance;
import io.edgefuse.pruner.LossProbe;
import io.edgefuse.pruner.LrpConfig;
import io.edgefuse.pruner.LrpCriterion;
import io.edgefuse.pruner.Normalisation;
import io.edgefuse.pruner.PruningConfig;
import io.edgefuse.pruner.RankingConfig;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Options the prune verbs share: data, loop mode and rate. */
final class PruneOptions {
    static final double GROWTH = 1.5, SHRINK = 0.5, MAX_RATE = 0.5;
    static final int MAX_STEPS = 500;

    @Option(names = "--samples-per-class", defaultValue = "10", description = "Reference samples per class K, drawn from the training set by --seed. Default: ${DEFAULT-VALUE}.")
    int samplesPerClass;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the reference-sample draw and of the random criterion. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--validation", defaultValue = "5000", description = "How many images at the end of the training set form the validation set the loop decides by. Default: ${DEFAULT-VALUE}.")
    int validation;

    @Option(names = "--channel-multiple", defaultValue = "1", description = "Keep a multiple of M filters in every layer (8 or 16 suits oneDNN's blocked kernels; 1: any count). Default: ${DEFAULT-VALUE}.")
    int channelMultiple;

    @Option(names = "--normalisation", description = "How each layer's scores are scaled before one global ranking, for every criterion:"
            + " sum (each layer sums to 1, Yeom et al.; the previous default), mean (score / the layer's mean), l2 (score / the layer's L2 norm),"
            + " loss (each step, remove each layer's lowest-ranked --loss-probe fraction on a copy, measure the loss increase on the reference samples,"
            + " and scale the layer's scores so that those filters' scores add up to it: the criterion's order within a layer, the probe's exchange"
            + " rate between layers). Default: mean.")
    String normalisation;

    @Option(names = "--loss-probe", paramLabel = "Q", description = "With --normalisation loss: the fraction of each layer's filters the probe removes"
            + " (at least one). Default: 0.1.")
    Double lossProbe;

    @Option(names = "--loss-probe-metric", description = "With --normalisation loss: what the probe measures: kl (mean KL divergence of the"
            + " pruned copy's class probabilities from the model's; never negative) or ce (increase of the true class's cross-entropy). Default: ce (chosen on the validation split, docs/pruning.md).")
    String lossProbeMetric;

    @Option(names = "--loss-probe-unmeasured", description = "With --normalisation loss: the exchange rate of a layer whose probe measured no cost"
            + " (at most 1/1000 of the reference loss): floor (the measured cost clamped there: the layer's filters go first) or median (the median"
            + " rate of the layers that did measure one). Default: floor.")
    String lossProbeUnmeasured;

    @Option(names = "--cost-aware", description = "Rank by normalised score per FLOP a filter saves (relative to the average filter) instead of by score.")
    boolean costAware;

    @Option(names = "--flops-penalty", paramLabel = "LAMBDA", description = "Rank by normalised score minus LAMBDA x the FLOPs a filter saves"
            + " (relative to the average filter; Molchanov et al. 2017's FLOPs regularisation), recomputed every step. Not with --cost-aware. Default: 0 (off).")
    Double flopsPenalty;

    @Option(names = "--layer-floor", description = "Every layer keeps at least this fraction of its original filters (0: at least one, the previous default). Default: 0.25.")
    Double layerFloor;

    @Option(names = "--mean-compensation", description = "Fold each removed filter's mean output (over the reference samples) into the biases of the layers that read it"
            + " (mean replacement; no training).")
    boolean meanCompensation;

    @Option(names = "--bn-reestimate", description = "After every pruning step, set each batch norm's running mean and variance to the statistics of its"
            + " input measured on the reference samples (EagleEye). No gradient step; no other weight changes. The batch norms are folded"
            + " into the convs only for scoring, evaluation and the written model.")
    boolean bnReestimate;

    @Option(names = "--finetune-lr", defaultValue = "1e-3", description = "Adam's (peak) learning rate for --finetune-epochs. Default: ${DEFAULT-VALUE}"
            + " (chosen on the validation split against 1e-4, 3e-4 and 2e-3; see docs/pruning.md).")
    double finetuneLr;

    @Option(names = "--finetune-schedule", defaultValue = "cosine", description = "cosine (decay from --finetune-lr to 0 over the fine-tuning) or constant. Default: ${DEFAULT-VALUE}.")
    String finetuneSchedule;

    @Option(names = "--finetune-weight-decay", defaultValue = "0", description = "L2 factor on conv and dense weights during fine-tuning (0: none)."
            + " Default: ${DEFAULT-VALUE} (5e-4, the training default, was no better after pruning; docs/pruning.md).")
    double finetuneWeightDecay;

    @Option(names = "--distill-from-original", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Fine-tune by knowledge distillation from the unpruned model (Hinton et al. 2015): loss = (1 - a) cross-entropy"
            + " + a T^2 KL(teacher_T || student_T), a = --distill-alpha, T = --distill-temperature. On by default (the recipe that met the"
            + " one-epoch target on the validation split; each batch also runs the unpruned model); --no-distill-from-original fine-tunes"
            + " on the labels alone.")
    boolean distill;

    @Option(names = "--distill-alpha", defaultValue = "0.7", description = "With --distill-from-original: weight a of the teacher's soft term. Default: ${DEFAULT-VALUE}.")
    double distillAlpha;

    @Option(names = "--distill-temperature", defaultValue = "4", description = "With --distill-from-original: softmax temperature T. Default: ${DEFAULT-VALUE}.")
    double distillTemperature;

    @Option(names = "--lrp-hidden-rule", defaultValue = "alpha2beta1", description = "LRP rule of the convs that do not read the input: alpha2beta1"
            + " (inhibiting inputs get negative relevance), z+ (alpha1-beta0; ARCHITECTURE.md's rule, the default before session 5) or epsilon"
            + " (signed contributions; gradient x input in the limit). Default: ${DEFAULT-VALUE} (chosen on the validation split, docs/pruning.md).")
    String lrpHiddenRule;

    @Option(names = "--lrp-upper-rule", description = "A composite: this rule (z+, alpha2beta1 or epsilon) for the convs in the upper half of the"
            + " model's convs, --lrp-hidden-rule for the lower ones. Default: the same as --lrp-hidden-rule.")
    String lrpUpperRule;

    @Option(names = "--lrp-after-pool-rule", description = "A composite by input kind: this rule (z+, alpha2beta1 or epsilon) for every conv that"
            + " reads a max or average pool's output, whichever half it is in. Default: none (the half's rule).")
    String lrpAfterPoolRule;

    @Option(names = "--lrp-start", defaultValue = "true-class", description = "Where LRP's backward pass starts: true-class (relevance 1 at the true"
            + " class's logit, Yeom et al.) or contrastive (1 - p at the true class, -p_k at each other class k, p the softmax: the true class"
            + " against its competitors). Default: ${DEFAULT-VALUE}.")
    String lrpStart;

    @Option(names = "--lrp-aggregation", defaultValue = "signed", description = "How a filter's per-sample LRP relevances become its score:"
            + " signed (their mean) or absolute (the mean of their magnitudes). Default: ${DEFAULT-VALUE}.")
    String lrpAggregation;

    @Option(names = "--finetune-images", description = "Fine-tune on the first N training images only (quick looks and tests). Default: all outside the validation part.")
    Integer finetuneImages;

    @Option(names = "--test-images", description = "Report test accuracy on the first N test images only (quick looks). Default: all 10000.")
    Integer testImages;

    static final class Mode {
        @Option(names = "--adaptive", description = "Adaptive rate (the default): x1.5 after a step within --tolerance, x0.5 and undo after one that is not.")
        boolean adaptive;

        @Option(names = "--fixed-rate", paramLabel = "R", description = "Remove R of the remaining filters at every step, never undo (for comparison).")
        Double fixedRate;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Mode mode;

    @Option(names = "--rate", defaultValue = "0.05", description = "Adaptive mode: the first step's rate r_0 (fraction of the remaining filters). Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--tolerance", defaultValue = "0.5", description = "Adaptive mode: the validation accuracy one step may lose and still count as good, in points. Default: ${DEFAULT-VALUE}.")
    double tolerancePoints;

    boolean fixed() {
        return mode != null && mode.fixedRate != null;
    }

    /** @param targetFlops fraction of FLOPs to remove or NaN; @param maxDropPoints accuracy budget in points or NaN */
    PruningConfig config(double targetFlops, double maxDropPoints, List<Double> checkpoints) {
        if (!Double.isNaN(targetFlops) && !(targetFlops > 0 && targetFlops < 1)) {
            throw new IllegalArgumentException("--target-flops is the fraction of FLOPs to remove, in (0, 1) (e.g. 0.5), got " + targetFlops);
        }
        if (!Double.isNaN(maxDropPoints) && !(maxDropPoints >= 0 && maxDropPoints < 100)) {
            throw new IllegalArgumentException("--max-accuracy-drop is in accuracy points, in [0, 100), got " + maxDropPoints);
        }
        if (channelMultiple < 1) throw new IllegalArgumentException("--channel-multiple must be >= 1, got " + channelMultiple);
        if (!(tolerancePoints >= 0)) throw new IllegalArgumentException("--tolerance must be >= 0 points, got " + tolerancePoints);
        if (layerFloor != null && !(layerFloor >= 0 && layerFloor < 1)) throw new IllegalArgumentException("--layer-floor is a fraction in [0, 1), got " + layerFloor);
        RankingConfig ranking = ranking();
        double budget = Double.isNaN(maxDropPoints) ? Double.NaN : maxDropPoints / 100;
        if (fixed()) {
            double r = mode.fixedRate;
            if (!(r > 0 && r <= 1)) throw new IllegalArgumentException("--fixed-rate must be in (0, 1], got " + r);
            return new PruningConfig(false, r, 1, 1, r, 0, targetFlops, budget, checkpoints, MAX_STEPS, channelMultiple, ranking, meanCompensation, bnReestimate);
        }
        if (!(rate > 0 && rate <= MAX_RATE)) throw new IllegalArgumentException("--rate must be in (0, " + MAX_RATE + "], got " + rate);
        return new PruningConfig(true, rate, GROWTH, SHRINK, MAX_RATE, tolerancePoints / 100, targetFlops, budget, checkpoints, MAX_STEPS, channelMultiple,
                ranking, meanCompensation, bnReestimate);
    }

    LrpConfig lrp() {
        LrpConfig c = LrpConfig.defaults().withHiddenConv(hiddenRule("--lrp-hidden-rule", lrpHiddenRule));
        if (lrpUpperRule != null) c = c.withUpperConv(hiddenRule("--lrp-upper-rule", lrpUpperRule));
        if (lrpAfterPoolRule != null) c = c.withAfterPool(hiddenRule("--lrp-after-pool-rule", lrpAfterPoolRule));
        return c.withStart(switch (lrpStart) {
            case "true-class" -> LrpConfig.Start.TRUE_CLASS;
            case "contrastive" -> LrpConfig.Start.CONTRASTIVE;
            default -> throw new IllegalArgumentException("--lrp-start is true-class or contrastive, got '" + lrpStart + "'");
        });
    }

    LrpCriterion lrpCriterion() {
        FilterRelevance.Aggregation a;
        try {
            a = FilterRelevance.Aggregation.named(lrpAggregation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--lrp-aggregation is signed or absolute, got '" + lrpAggregation + "'");
        }
        return new LrpCriterion(lrp(), a);
    }

    /** The LRP options that differ from the defaults, for the report's mode line. */
    private String lrpText() {
        StringBuilder b = new StringBuilder();
        LrpConfig d = LrpConfig.forPruning();
        if (lrp().hiddenConv() != d.hiddenConv() || lrpUpperRule != null) {
            b.append(", LRP hidden convs ").append(lrpHiddenRule).append(lrpUpperRule == null ? "" : ", upper half " + lrpUpperRule);
        }
        if (lrpAfterPoolRule != null) b.append(", LRP after pools ").append(lrpAfterPoolRule);
        if (!lrpStart.equals("true-class")) b.append(", LRP start ").append(lrpStart);
        if (!lrpAggregation.equals("signed")) b.append(", LRP aggregation ").append(lrpAggregation);
        return b.toString();
    }

    private static LrpConfig.ConvRule hiddenRule(String option, String name) {
        return switch (name) {
            case "z+" -> LrpConfig.ConvRule.Z_PLUS;
            case "alpha2beta1" -> LrpConfig.ConvRule.ALPHA2_BETA1;
            case "epsilon" -> LrpConfig.ConvRule.EPSILON;
            default -> throw new IllegalArgumentException(option + " is z+, alpha2beta1 or epsilon, got '" + name + "'");
        };
    }

    RankingConfig ranking() {
        RankingConfig d = RankingConfig.defaults();
        if (flopsPenalty != null && !(flopsPenalty >= 0)) throw new IllegalArgumentException("--flops-penalty must be >= 0, got " + flopsPenalty);
        if (flopsPenalty != null && flopsPenalty > 0 && costAware) throw new IllegalArgumentException("--flops-penalty and --cost-aware weigh the same FLOPs two ways: give one");
        Normalisation n = normalisation == null ? d.normalisation() : Normalisation.named(normalisation);
        if ((lossProbe != null || lossProbeMetric != null || lossProbeUnmeasured != null) && n != Normalisation.LOSS) {
            throw new IllegalArgumentException("--loss-probe, --loss-probe-metric and --loss-probe-unmeasured only apply to --normalisation loss");
        }
        LossProbe.Unmeasured unmeasured;
        try {
            unmeasured = lossProbeUnmeasured == null ? d.probeUnmeasured() : LossProbe.Unmeasured.named(lossProbeUnmeasured);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--loss-probe-unmeasured is floor or median, got '" + lossProbeUnmeasured + "'");
        }
        LossProbe.Metric metric;
        try {
            metric = lossProbeMetric == null ? d.probeMetric() : LossProbe.Metric.named(lossProbeMetric);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--loss-probe-metric is kl or ce, got '" + lossProbeMetric + "'");
        }
        if (lossProbe != null && !(lossProbe > 0 && lossProbe < 1)) throw new IllegalArgumentException("--loss-probe is a fraction in (0, 1), got " + lossProbe);
        if (n == Normalisation.LOSS && flopsPenalty != null && flopsPenalty > 0) {
            throw new IllegalArgumentException("--flops-penalty is in units of mean-normalised scores, not of loss: with --normalisation loss use --cost-aware");
        }
        return new RankingConfig(n, costAware, layerFloor == null ? d.layerFloor() : layerFloor, flopsPenalty == null ? d.flopsPenalty() : flopsPenalty,
                lossProbe == null ? d.probeFraction() : lossProbe, metric, unmeasured);
    }

    String modeText() {
        String mode = fixed() ? "fixed rate " + this.mode.fixedRate
                : String.format(java.util.Locale.ROOT, "adaptive (r0 %.3f, x1.5 / x0.5, tolerance %.2f points)", rate, tolerancePoints);
        return mode + ", " + ranking().describe() + (meanCompensation ? ", mean compensation" : "") + (bnReestimate ? ", batch-norm re-estimation" : "")
                + lrpText();
    }
}
