package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Op;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a removal costs, measured: the filters are removed for real on a copy ({@link FilterRemoval}, so a
 * removed channel is gone downstream, batch-norm shift included) and the copy is run on the reference samples.
 * With batch-norm re-estimation on, both the model and the copy are measured after {@link BatchNormReestimation}
 * on the same samples, as the loop will evaluate the step: otherwise every probe would also pay for stale
 * statistics, a cost that re-estimation removes and that has nothing to do with which layer is probed. The
 * loss-calibrated ranking ({@link Normalisation#LOSS}) uses it to set the exchange rate between layers. Forward
 * passes only (the pure-Java executor), no gradient.
 */
public final class LossProbe {
    /** What "cost" means. */
    public enum Metric {
        /**
         * Increase of the mean cross-entropy of the true class. On samples the model fits well (the reference
         * samples come from its training set) it is small and can be negative: a filter that speaks against
         * the true class of these samples lowers it when removed.
         */
        CROSS_ENTROPY("ce"),
        /**
         * Mean KL divergence of the copy's class probabilities from the model's, KL(p_model || p_copy): how far
         * the removal moves the outputs, whatever the label says; never negative. The expected cross-entropy
         * increase when the model's own outputs are the targets (distillation's view of the loss).
         */
        KL("kl");

        private final String cliName;

        Metric(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Metric named(String name) {
            for (Metric m : values()) if (m.cliName.equals(name)) return m;
            throw new IllegalArgumentException("unknown loss probe metric '" + name + "' (one of ce, kl)");
        }
    }

    /** What a layer whose probe measured (almost) no cost is worth against the others. */
    public enum Unmeasured {
        /** Its measured cost, clamped at a small positive floor: the layer is nearly free, its filters go first. */
        FLOOR("floor"),
        /**
         * The median exchange rate of the layers whose probe did measure a cost: no information, so neither
         * cheap nor dear. On the reference samples (from the training set, loss about 0.03 on the unpruned
         * fmnist-vgg) a probe of a tenth of a layer often lowers the cross-entropy a little, and the floor
         * then empties that layer down to its layer floor in one step.
         */
        MEDIAN("median");

        private final String cliName;

        Unmeasured(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Unmeasured named(String name) {
            for (Unmeasured u : values()) if (u.cliName.equals(name)) return u;
            throw new IllegalArgumentException("unknown fallback '" + name + "' (one of floor, median)");
        }
    }

    private final Model current;
    private final List<Sample> samples;
    private final boolean bnReestimate;
    private final Metric metric;
    private final JavaExecutor exec = new JavaExecutor();
    private final double[][] baseProbabilities;
    private final double baseLoss;

    /**
     * @param current the model as the loop holds it (batch norms unfolded when {@code bnReestimate})
     * @param samples the reference samples, with their true classes
     */
    public LossProbe(Model current, List<Sample> samples, boolean bnReestimate, Metric metric) {
        if (samples.isEmpty()) throw new IllegalArgumentException("the loss probe needs reference samples");
        this.current = current;
        this.samples = List.copyOf(samples);
        this.bnReestimate = bnReestimate;
        this.metric = metric;
        this.baseProbabilities = probabilities(current);
        this.baseLoss = crossEntropy(baseProbabilities);
    }

    /** Measures the cross-entropy increase. */
    public LossProbe(Model current, List<Sample> samples, boolean bnReestimate) {
        this(current, samples, bnReestimate, Metric.CROSS_ENTROPY);
    }

    /** The mean cross-entropy of the unchanged model on the reference samples (after re-estimation, if on). */
    public double baseLoss() {
        return baseLoss;
    }

    public Metric metric() {
        return metric;
    }

    /**
     * The cost of removing {@code removal} (conv -> filter indices, as {@link FilterRemoval#remove}): the
     * cross-entropy after minus {@link #baseLoss()}, or the mean KL divergence from the unchanged model's outputs.
     */
    public double increase(Map<String, Set<Integer>> removal) {
        double[][] p = probabilities(FilterRemoval.remove(current, removal));
        if (metric == Metric.CROSS_ENTROPY) return crossEntropy(p) - baseLoss;
        double kl = 0;
        for (int s = 0; s < p.length; s++) {
            for (int k = 0; k < p[s].length; k++) {
                double q = baseProbabilities[s][k];
                if (q > 0) kl += q * (Math.log(q) - Math.log(Math.max(p[s][k], 1e-300)));
            }
        }
        return kl / p.length;
    }

    /** Class probabilities of every sample (the softmax of the logits if the model does not end in one). */
    private double[][] probabilities(Model m) {
        Model folded = BatchNormFolding.fold(bnReestimate ? BatchNormReestimation.reestimate(m, samples) : m);
        boolean softmax = folded.node(folded.indexOf(folded.output())).op() instanceof Op.Softmax;
        double[][] out = new double[samples.size()][];
        for (int s = 0; s < out.length; s++) {
            Tensor t = exec.runWhole(folded, samples.get(s).input());
            double[] z = new double[t.size()];
            for (int k = 0; k < z.length; k++) z[k] = t.data()[k];
            out[s] = softmax ? z : Forward.softmax(z);
        }
        return out;
    }

    private double crossEntropy(double[][] p) {
        double l = 0;
        for (int s = 0; s < p.length; s++) {
            int label = samples.get(s).label();
            if (label < 0 || label >= p[s].length) throw new IllegalArgumentException(String.format(Locale.ROOT, "sample %d: class %d out of range", s, label));
            l -= Math.log(Math.max(p[s][label], 1e-12));
        }
        return l / p.length;
    }
}
