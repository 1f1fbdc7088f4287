package io.edgefuse.runtime.testbed;

/**
 * The closed loop that sets a node's compute quota: the quota from the host calibration is a first
 * guess (one core of this host runs a model's own conv layers slower than the calibration's synthetic
 * layer, and a quota's share of a core is not quite its share of the work), so the node's probe is run
 * under it and the quota set again until the probe is within {@link #TOLERANCE} of the profile's rate,
 * at most {@link #MAX_PROBES} probes. Probes on this loaded 2-core host scatter by 15-20% at the same
 * quota, so the next quota is the target over the node's rate per share of a core averaged over all of
 * its probes so far, not over the last one alone (which made the first version oscillate). The quota is
 * never changed after the last probe, so the rate the node reports is the one it has.
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

    /** One probe: the compute share it ran under and the conv rate it measured. */
    public record Probe(double fraction, double gflops) {
        public Probe {
            if (!(fraction > 0) || !(gflops > 0)) throw new IllegalArgumentException("share and rate must be > 0: " + fraction + ", " + gflops);
        }
    }

    /** The next compute share: the target over the mean rate per share of the probes so far, within the bounds. */
    public static double next(java.util.List<Probe> probes, double targetGflops) {
        if (probes.isEmpty() || !(targetGflops > 0)) throw new IllegalArgumentException("need a probe and a target > 0");
        double perShare = probes.stream().mapToDouble(p -> p.gflops() / p.fraction()).average().orElseThrow();
        return Math.max(MIN_FRACTION, Math.min(MAX_FRACTION, targetGflops / perShare));
    }
}
