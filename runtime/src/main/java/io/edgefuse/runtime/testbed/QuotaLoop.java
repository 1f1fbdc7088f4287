package io.edgefuse.runtime.testbed;

/**
 * The closed loop that sets a node's compute quota: the quota from the host calibration is a first
 * guess (one core of this host runs a model's own conv layers slower than the calibration's synthetic
 * layer, and a quota's share of a core is not quite its share of the work), so the node's probe is run
 * under it and the quota scaled by target/measured until the probe is within {@link #TOLERANCE} of the
 * profile's rate, at most {@link #MAX_PROBES} probes. The quota is never changed after the last probe,
 * so the rate the node reports is the one it has.
 */
public final class QuotaLoop {
    public static final double TOLERANCE = 0.10;
    public static final int MAX_PROBES = 4;
    /** Shares outside these bounds are refused: under 0.1% of a core CFS needs periods over 1 s; over one core a one-thread node cannot go. */
    static final double MIN_FRACTION = 0.001, MAX_FRACTION = 1.0;

    private QuotaLoop() {}

    public static boolean converged(double targetGflops, double measuredGflops) {
        return Math.abs(measuredGflops / targetGflops - 1) <= TOLERANCE;
    }

    /** The next compute share: proportional to the rate still missing, within the bounds. */
    public static double next(double fraction, double targetGflops, double measuredGflops) {
        if (!(measuredGflops > 0) || !(targetGflops > 0)) throw new IllegalArgumentException("rates must be > 0: target " + targetGflops + ", measured " + measuredGflops);
        return Math.max(MIN_FRACTION, Math.min(MAX_FRACTION, fraction * targetGflops / measuredGflops));
    }
}
