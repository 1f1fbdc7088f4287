package io.edgefuse.pruner;

/**
 * Which LRP rule each kind of layer uses, and the two small constants that keep denominators away from
 * zero.
 *
 * @param epsilon the epsilon of the epsilon rule (dense layers, unfolded batch norms, and convs set to
 *     {@link ConvRule#EPSILON}): z + epsilon * sign(z). Larger values absorb weak, contradictory relevance
 *     and break conservation by that much.
 * @param stabiliser added in the same way to the denominators of the z+, zB and proportional rules (pools,
 *     residual adds), only to avoid 0/0; it should be negligible against real activations.
 * @param firstConv rule for convs reading the model input
 * @param hiddenConv rule for the other convs of the lower half: those whose position among the model's
 *     convs (model order, the first conv counted) is below half their number
 * @param upperConv rule for the convs of the upper half (the same as {@code hiddenConv} unless a
 *     composite is asked for, see {@link #withUpperConv})
 * @param maxPool how a max pool passes relevance down
 * @param afterPool rule for the convs that read a max or average pool's output, whichever half they are
 *     in; null: no such exception (the half's rule)
 * @param start which relevance the backward pass starts from at the logits
 */
public record LrpConfig(double epsilon, double stabiliser, ConvRule firstConv, ConvRule hiddenConv, ConvRule upperConv, MaxPoolRule maxPool,
        ConvRule afterPool, Start start) {

    public enum ConvRule {
        /** Same as for dense layers; with epsilon -> 0 on every layer LRP equals gradient x input. */
        EPSILON,
        /** alpha1-beta0: only positive contributions a_j * w_jk count; with a >= 0 that is a * w+. */
        Z_PLUS,
        /** Bounded inputs l <= x <= h, taken from the model's preprocessing. */
        Z_B,
        /**
         * alpha2-beta1: R_j = sum_k (2 (a_j w_jk)+ / z+_k - (a_j w_jk)- / z-_k) R_k, z+- the sums of the
         * positive and negative contributions (bias ignored). Inhibiting inputs get negative relevance
         * instead of none; an output with no negative contribution passes on 2 R_k (not conservative there).
         */
        ALPHA2_BETA1
    }

    public enum MaxPoolRule {
        /** All of an output's relevance goes to the window's largest input (first in row-major order on ties). */
        WINNER_TAKE_ALL,
        /** Relevance is split in proportion to the inputs, as for average pooling. */
        PROPORTIONAL
    }

    public enum Start {
        /** R = 1 at the true class's logit, 0 elsewhere (Yeom et al.): what speaks for the true class. */
        TRUE_CLASS,
        /**
         * R_k = [k = true] - p_k with p the softmax of the logits (the gradient of log p_true by the logits):
         * the true class against the others, weighted by how much each competes. Sums to 0, and a sample the
         * model is sure of (p_true near 1) starts with almost nothing.
         */
        CONTRASTIVE
    }

    public LrpConfig {
        if (!(epsilon >= 0) || !(stabiliser >= 0)) throw new IllegalArgumentException("epsilon and stabiliser must be >= 0");
        if (firstConv == null || hiddenConv == null || upperConv == null || maxPool == null || start == null) {
            throw new IllegalArgumentException("every rule must be set");
        }
    }

    /** Without a rule for convs after a pool, relevance from the true class. */
    public LrpConfig(double epsilon, double stabiliser, ConvRule firstConv, ConvRule hiddenConv, ConvRule upperConv, MaxPoolRule maxPool) {
        this(epsilon, stabiliser, firstConv, hiddenConv, upperConv, maxPool, null, Start.TRUE_CLASS);
    }

    /**
     * The rules of ARCHITECTURE.md: zB first conv, z+ hidden convs, epsilon dense, winner-take-all max pool.
     * epsilon = 1e-6 keeps the dense layers practically conservative (logits are O(1)); the stabiliser
     * 1e-9 only guards against 0/0.
     */
    public static LrpConfig defaults() {
        return new LrpConfig(1e-6, 1e-9, ConvRule.Z_B, ConvRule.Z_PLUS, ConvRule.Z_PLUS, MaxPoolRule.WINNER_TAKE_ALL);
    }

    /**
     * The rules the pruning criterion uses by default: {@link #defaults()} with alpha2-beta1 on the hidden
     * convs. Chosen on the validation split by pruning fmnist-vgg (docs/pruning.md, "LRP rules for pruning"):
     * with z+ the inhibiting filters score like dead ones and the ranking was inverted in one layer.
     */
    public static LrpConfig forPruning() {
        return defaults().withHiddenConv(ConvRule.ALPHA2_BETA1);
    }

    /** Epsilon rule on every linear layer, convs included: the configuration that equals gradient x input as eps -> 0. */
    public static LrpConfig epsilonEverywhere(double epsilon) {
        return new LrpConfig(epsilon, 1e-9, ConvRule.EPSILON, ConvRule.EPSILON, ConvRule.EPSILON, MaxPoolRule.WINNER_TAKE_ALL);
    }

    public LrpConfig withEpsilon(double e) {
        return new LrpConfig(e, stabiliser, firstConv, hiddenConv, upperConv, maxPool, afterPool, start);
    }

    public LrpConfig withFirstConv(ConvRule r) {
        return new LrpConfig(epsilon, stabiliser, r, hiddenConv, upperConv, maxPool, afterPool, start);
    }

    /** The rule of every conv that does not read the input (lower and upper half alike). */
    public LrpConfig withHiddenConv(ConvRule r) {
        return new LrpConfig(epsilon, stabiliser, firstConv, r, r, maxPool, afterPool, start);
    }

    /**
     * A composite (Kohlbrenner et al. 2020, "Towards best practice in explaining neural network decisions
     * with LRP"): {@code r} for the convs of the upper half, {@link #hiddenConv} for the lower ones. Call
     * after {@link #withHiddenConv}, which sets both.
     */
    public LrpConfig withUpperConv(ConvRule r) {
        return new LrpConfig(epsilon, stabiliser, firstConv, hiddenConv, r, maxPool, afterPool, start);
    }

    public LrpConfig withMaxPool(MaxPoolRule r) {
        return new LrpConfig(epsilon, stabiliser, firstConv, hiddenConv, upperConv, r, afterPool, start);
    }

    /**
     * A composite by input kind: {@code r} for every conv that reads a max or average pool's output (null:
     * none). On fmnist-vgg's per-layer check z+ ranked the layer below such a conv better and alpha2-beta1
     * the layer below a conv that reads a ReLU (docs/pruning.md, "LRP sanity check").
     */
    public LrpConfig withAfterPool(ConvRule r) {
        return new LrpConfig(epsilon, stabiliser, firstConv, hiddenConv, upperConv, maxPool, r, start);
    }

    public LrpConfig withStart(Start s) {
        return new LrpConfig(epsilon, stabiliser, firstConv, hiddenConv, upperConv, maxPool, afterPool, s);
    }

    /**
     * The rule of conv number {@code index} (model order, from 0) of {@code count} that does not read the
     * input; {@code readsPool}: its input is a pool's output.
     */
    ConvRule hiddenRule(int index, int count, boolean readsPool) {
        if (readsPool && afterPool != null) return afterPool;
        return 2 * index >= count ? upperConv : hiddenConv;
    }
}
