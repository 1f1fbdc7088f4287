package io.edgefuse.pruner;

import java.util.Locale;

/**
 * How one conv layer's raw criterion scores are put on the common scale of the global ranking. Raw
 * scores of different layers are not comparable (LRP: a layer of 128 filters gets ~1/4 of the per-filter
 * relevance of one of 32; L1: kernel size and fan-in; Taylor: depth), so each layer is divided by a
 * statistic of its own scores. The choice decides which layers lose filters first; docs/pruning.md
 * ("Normalisation") compares them.
 */
public enum Normalisation {
    /** Divided by the layer's sum: every layer sums to 1 (Yeom et al.). Wide layers' filters look cheap. */
    SUM,
    /** Divided by the layer's mean: a filter is compared with its own layer's average filter (1 = average). */
    MEAN,
    /** Divided by the layer's L2 norm (Molchanov et al. 2017): between the two, a layer of n equal filters gives 1/sqrt(n). */
    L2,
    /**
     * Loss-calibrated: the layer's scores (divided by their mean, as {@link #MEAN}; the factor cancels) scaled
     * so that the scores of the units a probe removes add up to the loss increase that removal measurably
     * causes on the reference samples ({@link LossProbe}). The order within a layer stays the criterion's;
     * only the exchange rate between layers comes from the probe. Needs a model and samples, so
     * {@link GlobalRanking} applies it, not {@link #apply(double[])}.
     */
    LOSS;

    /** The CLI spelling. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Normalisation named(String name) {
        for (Normalisation n : values()) if (n.cliName().equals(name)) return n;
        throw new IllegalArgumentException("unknown normalisation '" + name + "' (one of sum, mean, l2, loss)");
    }

    /**
     * One layer's scores on the common scale (a new array). If the statistic is not positive - only
     * possible when negative scores dominate - the same statistic of the absolute values is used, which
     * keeps the order within the layer; an all-zero layer stays zero. {@link #LOSS} gives the {@link #MEAN}
     * scale here, before {@link GlobalRanking} calibrates it.
     */
    double[] apply(double[] scores) {
        double[] v = scores.clone();
        double d = statistic(v, false);
        if (!(d > 0)) d = statistic(v, true);
        if (d > 0) {
            for (int k = 0; k < v.length; k++) v[k] /= d;
        }
        return v;
    }

    private double statistic(double[] v, boolean abs) {
        double s = 0;
        for (double x : v) {
            double y = abs ? Math.abs(x) : x;
            s += this == L2 ? y * y : y;
        }
        return switch (this) {
            case SUM -> s;
            case MEAN, LOSS -> s / v.length;
            case L2 -> Math.sqrt(s);
        };
    }
}
