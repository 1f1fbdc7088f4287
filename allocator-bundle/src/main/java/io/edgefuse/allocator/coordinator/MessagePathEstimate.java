package io.edgefuse.allocator.coordinator;

/**
 * One node's message path learned from its tiles: {@code excess = fixed + perMb x MB}, where excess is a
 * tile's round trip minus the node's reported compute minus the link's time both ways, and MB its bytes
 * in plus out. A weighted least-squares line over the samples, with
 * <ul>
 * <li>the profile as prior: two pseudo-samples on the profile's line (at 0 and 1 MB) start the sums, so
 *     the first samples move the estimate from there and samples of one size alone cannot tilt the line;</li>
 * <li>forgetting: every sum decays by {@link #FORGET} per sample (weight halves after about 23 samples,
 *     the prior's too), so the estimate follows a node whose message path changes;</li>
 * <li>Huber weights: a sample more than {@link #HUBER} running mean absolute residuals off the line
 *     counts with weight c*s/|r|, so one GC pause or a tile that waited behind another moves the line by
 *     no more than an ordinary sample does.</li>
 * </ul>
 * Which tiles are samples (only those sent to a node with nothing else of ours outstanding, so no queue
 * wait is in their round trip) is the coordinator's choice. Not thread-safe; the coordinator's thread
 * owns it.
 */
public final class MessagePathEstimate {
    /** Samples before the coordinator plans with the fit instead of the profile. */
    public static final int MIN_SAMPLES = 8;
    static final double FORGET = 0.97;
    static final double HUBER = 2.5;
    static final double PRIOR_WEIGHT = 1.0;
    /** Floor of the residual scale (ms): timer and scheduling noise. */
    static final double MIN_SCALE_MS = 1.0;

    private double sw, sx, sy, sxx, sxy;
    private double scale;
    private int samples;

    /** Starts from the profile's figures (fixed ms per task, ms per MB in + out). */
    public MessagePathEstimate(double fixedMs, double perMbMs) {
        add(0, fixedMs, PRIOR_WEIGHT);
        add(1, fixedMs + perMbMs, PRIOR_WEIGHT);
        // Until residuals are seen: generous, so that a profile far from the node does not make its first
        // real samples look like outliers.
        scale = Math.max(MIN_SCALE_MS, 0.5 * (fixedMs + perMbMs) + 5);
    }

    private MessagePathEstimate(MessagePathEstimate o) {
        sw = o.sw;
        sx = o.sx;
        sy = o.sy;
        sxx = o.sxx;
        sxy = o.sxy;
        scale = o.scale;
        samples = o.samples;
    }

    public MessagePathEstimate copy() {
        return new MessagePathEstimate(this);
    }

    /** Folds one tile in: {@code mb} its MB in + out, {@code excessMs} its round trip minus compute and link. Non-finite input is ignored. */
    public void observe(double mb, double excessMs) {
        if (!Double.isFinite(mb) || !Double.isFinite(excessMs) || mb < 0) return;
        double r = excessMs - predictMs(mb);
        double s = Math.max(MIN_SCALE_MS, scale);
        double w = Math.abs(r) <= HUBER * s ? 1 : HUBER * s / Math.abs(r);
        sw *= FORGET;
        sx *= FORGET;
        sy *= FORGET;
        sxx *= FORGET;
        sxy *= FORGET;
        add(mb, excessMs, w);
        // The scale follows the residuals, a far outlier counting as a few scales only, so that it can still
        // grow when the node really became noisier.
        scale = 0.9 * scale + 0.1 * Math.min(Math.abs(r), 3 * HUBER * s);
        samples++;
    }

    private void add(double x, double y, double w) {
        sw += w;
        sx += w * x;
        sy += w * y;
        sxx += w * x * x;
        sxy += w * x * y;
    }

    /** Fixed ms per task of the current line (never below zero). */
    public double fixedMs() {
        return line()[0];
    }

    /** ms per MB of the current line (never below zero). */
    public double perMbMs() {
        return line()[1];
    }

    /** Predicted excess (ms) of a tile of {@code mb} MB in + out. */
    public double predictMs(double mb) {
        double[] l = line();
        return l[0] + l[1] * mb;
    }

    /** Real samples folded in (not counting the prior). */
    public int samples() {
        return samples;
    }

    /** Whether there are enough samples to plan with the fit ({@link #MIN_SAMPLES}). */
    public boolean learned() {
        return samples >= MIN_SAMPLES;
    }

    /** Weighted least squares, then clamped: a negative slope is refitted as a flat line, a negative intercept through the origin. */
    private double[] line() {
        double mx = sx / sw, my = sy / sw;
        double vxx = sxx / sw - mx * mx, vxy = sxy / sw - mx * my;
        double b = vxx > 1e-12 ? vxy / vxx : 0;
        double a = my - b * mx;
        if (b < 0) return new double[] {Math.max(0, my), 0};
        if (a < 0) return new double[] {0, sxx > 0 ? Math.max(0, sxy / sxx) : 0};
        return new double[] {a, b};
    }

    @Override
    public String toString() {
        return String.format("%.1f ms + %.1f ms/MB (%d samples)", fixedMs(), perMbMs(), samples);
    }
}
