package io.edgefuse.engine.tf;

import java.util.Locale;

/**
 * Which weights a tile graph holds as constants and which it feeds, with every run, from tensors shared
 * by all graphs of the same model version (engine-internal SharedWeights). The choice follows TensorFlow's
 * kernel library, which the process picks once at start-up from {@value #ONEDNN_ENV}.
 *
 * <p>A constant is copied into the graph, into the session's optimised graph and into its kernel: a
 * YOLOv2 stage with 61 MB of weights grew the process by 350-400 MB per tile graph and its first run
 * took 4-11 s here, so a node holding a dozen tile graphs ran out of memory and every graph-cache miss
 * cost seconds. A fed tensor is passed to the kernel as it is: the same graph grew the process by the
 * placeholders only and ran first in 0.1-0.4 s. With Eigen kernels a fed filter runs as fast as a
 * constant one. oneDNN, however, caches the re-ordered copy of a filter only when the filter is a
 * constant and re-orders a fed one on every run (about 2.5x slower here on YOLOv2's 3x3x512x1024
 * convolutions), so under oneDNN convolution filters stay constants and only large dense weights are fed.
 */
public enum WeightPolicy {
    /** Eigen kernels: every weight of at least {@link #FEED_ALL_FROM_VALUES} values is fed. */
    FEED_ALL,
    /** oneDNN kernels: dense weights from {@link #FEED_DENSE_FROM_VALUES} values and giant ones fed, filters constant. */
    CONSTANT_FILTERS;

    /** TensorFlow's switch between its oneDNN and Eigen CPU kernels, read once when it first loads. */
    public static final String ONEDNN_ENV = "TF_ENABLE_ONEDNN_OPTS";

    /** Biases, batch-norm vectors and tiny filters stay constants: they cost nothing and let TF fuse the ops. */
    public static final long FEED_ALL_FROM_VALUES = 4096;

    /**
     * Under oneDNN, dense weights are fed from this many values (1 M floats = 4 MB): TensorFlow's graph
     * optimiser spends seconds per million constant values on a MatMul followed by a BiasAdd (a 3072 x 3072
     * dense layer: 13 s in its session's first run, 0.07 s fed), and a fed MatMul runs as fast as a
     * constant one (1.5-1.9 ms either way).
     */
    public static final long FEED_DENSE_FROM_VALUES = 1 << 20;

    /** Under oneDNN, any weight of this many values is fed (16 M floats = 64 MB: VGG-16's fc6 and fc7; no conv of the zoo). */
    public static final long FEED_FROM_VALUES = 1 << 24;

    /** Whether a weight of {@code values} values bound with TF shape rank {@code rank} is fed rather than constant. */
    public boolean feeds(long values, int rank) {
        return switch (this) {
            case FEED_ALL -> values >= FEED_ALL_FROM_VALUES;
            case CONSTANT_FILTERS -> values >= (rank == 2 ? FEED_DENSE_FROM_VALUES : FEED_FROM_VALUES);
        };
    }

    /** The policy for the kernels this process runs, from its environment and CPU architecture. */
    public static WeightPolicy forThisProcess() {
        return of(System.getenv(ONEDNN_ENV), System.getProperty("os.arch", ""));
    }

    /**
     * The policy for an {@value #ONEDNN_ENV} value (null when unset) on {@code arch}. Unset, TensorFlow
     * turns oneDNN on for x86-64 CPUs with AVX-512 VNNI/BF16 or AVX-VNNI, so x86-64 is taken as oneDNN (the
     * choice that never slows a run down); TensorFlow Java's other builds (aarch64: the gateways) use Eigen.
     */
    static WeightPolicy of(String onednnEnv, String arch) {
        if (onednnEnv != null && !onednnEnv.isBlank()) {
            String v = onednnEnv.trim().toLowerCase(Locale.ROOT);
            if (v.equals("0") || v.equals("false")) return FEED_ALL;
            if (v.equals("1") || v.equals("true")) return CONSTANT_FILTERS;
        }
        String a = arch.toLowerCase(Locale.ROOT);
        return a.equals("amd64") || a.equals("x86_64") ? CONSTANT_FILTERS : FEED_ALL;
    }
}
