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
 * @param hiddenConv rule for all other convs
 * @param maxPool how a max pool passes relevance down
 */
public record LrpConfig(double epsilon, double stabiliser, ConvRule firstConv, ConvRule hiddenConv, MaxPoolRule maxPool) {

    public enum ConvRule {
        /** Same as for dense layers; with epsilon -> 0 on every layer LRP equals gradient x input. */
        EPSILON,
        /** alpha1-beta0: only positive contributions a_j * w_jk count; with a >= 0 that is a * w+. */
        Z_PLUS,
        /** Bounded inputs l <= x <= h, taken from the model's preprocessing. */
        Z_B
    }

    public enum MaxPoolRule {
        /** All of an output's relevance goes to the window's largest input (first in row-major order on ties). */
        WINNER_TAKE_ALL,
        /** Relevance is split in proportion to the inputs, as for average pooling. */
        PROPORTIONAL
    }

    public LrpConfig {
        if (!(epsilon >= 0) || !(stabiliser >= 0)) throw new IllegalArgumentException("epsilon and stabiliser must be >= 0");
        if (firstConv == null || hiddenConv == null || maxPool == null) throw new IllegalArgumentException("every rule must be set");
    }

    /**
     * The rules of ARCHITECTURE.md: zB first conv, z+ hidden convs, epsilon dense, winner-take-all max pool.
     * epsilon = 1e-6 keeps the dense layers practically conservative (logits are O(1)); the stabiliser
     * 1e-9 only guards against 0/0.
     */
    public static LrpConfig defaults() {
        return new LrpConfig(1e-6, 1e-9, ConvRule.Z_B, ConvRule.Z_PLUS, MaxPoolRule.WINNER_TAKE_ALL);
    }

    /** Epsilon rule on every linear layer, convs included: the configuration that equals gradient x input as eps -> 0. */
    public static LrpConfig epsilonEverywhere(double epsilon) {
        return new LrpConfig(epsilon, 1e-9, ConvRule.EPSILON, ConvRule.EPSILON, MaxPoolRule.WINNER_TAKE_ALL);
    }

    public LrpConfig withEpsilon(double e) {
        return new LrpConfig(e, stabiliser, firstConv, hiddenConv, maxPool);
    }

    public LrpConfig withFirstConv(ConvRule r) {
        return new LrpConfig(epsilon, stabiliser, r, hiddenConv, maxPool);
    }

    public LrpConfig withHiddenConv(ConvRule r) {
        return new LrpConfig(epsilon, stabiliser, firstConv, r, maxPool);
    }

    public LrpConfig withMaxPool(MaxPoolRule r) {
        return new LrpConfig(epsilon, stabiliser, firstConv, hiddenConv, r);
    }
}
