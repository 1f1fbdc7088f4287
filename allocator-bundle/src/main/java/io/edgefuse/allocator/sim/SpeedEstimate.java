package io.edgefuse.allocator.sim;

/**
 * How the coordinator folds an observed speed factor (predicted / actual time) into its estimate:
 * exponentially weighted while observations agree with it, but a jump of more than a quarter (thermal
 * throttling, a node swapped, a link renegotiated) replaces the estimate at once, so a re-plan does not
 * wait for the average to crawl over several requests.
 */
public final class SpeedEstimate {
    static final double JUMP = 0.25;

    private SpeedEstimate() {}

    public static double update(double estimate, double observed, double rate) {
        if (!(observed > 0) || !Double.isFinite(observed)) return estimate;
        if (Math.abs(observed / estimate - 1) > JUMP) return observed;
        return (1 - rate) * estimate + rate * observed;
    }
}
