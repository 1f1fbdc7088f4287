package io.edgefuse.allocator.cluster;

import java.util.EnumMap;
import java.util.Map;

/**
 * How fast a device computes: sustained GFLOP/s per op class, a fixed cost per layer run (kernel
 * launch, memory allocation) and per task (message decode, graph lookup), memory available for
 * models and activations, and how fast one of its cores runs scalar code ({@code scalarScore}: the
 * single-thread score of `sysbench cpu` 1.0.20, events/s at the default --cpu-max-prime=10000; NaN when
 * no published figure is known, see {@link #scalarScore()}). The planner does not use the scalar score;
 * the emulated cluster (docs/testbed.md) sizes the CPU share of a node's Java message handling by it.
 *
 * <p>The <b>message path</b> is what a tile costs on the node's side of its two messages beyond the link
 * itself: reading and decoding the task from the socket, copying the tensor into the engine and the result
 * out of it, encoding and publishing the result ({@code messageOverheadMs} per task, {@code messageMsPerMb}
 * per MB of input plus output, MB = 10^6 bytes). {@link #messageSeconds(long)} charges half the fixed part
 * to each of the two messages. NaN means no figure of its own: then the Pi 4's figures scaled by the scalar
 * score, see {@link #messageOverheadMs()}. docs/planner.md says where the figures come from.
 */
public record DeviceProfile(String name, Map<OpClass, Double> gflops, double layerOverheadMs, double taskOverheadMs, long memoryBytes,
                            double scalarScore, double messageOverheadMs, double messageMsPerMb) {

    /**
     * Scalar score per conv GFLOP/s of a Raspberry Pi 4 (1477.83 events/s, 10 GFLOP/s): the default for
     * a device without a published scalar figure is a core as much faster or slower than a Pi 4's as its
     * convolutions are.
     */
    public static final double PI4_SCALAR_PER_CONV_GFLOPS = 147.783;

    /** A Raspberry Pi 4's published scalar score (see {@link Profiles}), the reference for the message-path defaults. */
    public static final double PI4_SCALAR_SCORE = 1477.83;

    /**
     * A Raspberry Pi 4's message path: fixed ms per task and ms per MB in + out (docs/planner.md, "Message
     * path": measured on the emulated cluster, host CPU time per MB scaled by the scalar-score ratio).
     */
    public static final double PI4_MESSAGE_MS = 12.0, PI4_MESSAGE_MS_PER_MB = 11.5;

    public DeviceProfile(String name, Map<OpClass, Double> gflops, double layerOverheadMs, double taskOverheadMs, long memoryBytes) {
        this(name, gflops, layerOverheadMs, taskOverheadMs, memoryBytes, Double.NaN);
    }

    public DeviceProfile(String name, Map<OpClass, Double> gflops, double layerOverheadMs, double taskOverheadMs, long memoryBytes, double scalarScore) {
        this(name, gflops, layerOverheadMs, taskOverheadMs, memoryBytes, scalarScore, Double.NaN, Double.NaN);
    }

    public DeviceProfile {
        gflops = Map.copyOf(new EnumMap<>(gflops));
        for (OpClass c : OpClass.values()) {
            Double g = gflops.get(c);
            if (g == null || !(g > 0)) throw new IllegalArgumentException("device profile " + name + " lacks a positive GFLOP/s for " + c);
        }
        if (!Double.isNaN(scalarScore) && !(scalarScore > 0)) throw new IllegalArgumentException("device profile " + name + ": scalar score must be > 0, not " + scalarScore);
        if (!Double.isNaN(messageOverheadMs) && !(messageOverheadMs >= 0) || !Double.isNaN(messageMsPerMb) && !(messageMsPerMb >= 0)) {
            throw new IllegalArgumentException("device profile " + name + ": message costs must be >= 0, not " + messageOverheadMs + " ms and " + messageMsPerMb + " ms/MB");
        }
    }

    /**
     * Fixed message-path cost per task (ms, both messages together): the profile's own figure, or a Pi 4's
     * scaled by how much slower or faster this device's scalar core is (the message path is scalar Java work).
     */
    @Override
    public double messageOverheadMs() {
        return Double.isNaN(messageOverheadMs) ? PI4_MESSAGE_MS * PI4_SCALAR_SCORE / scalarScore() : messageOverheadMs;
    }

    /** Message-path cost per MB of input plus output (ms): the profile's own, or a Pi 4's scaled as {@link #messageOverheadMs()}. */
    @Override
    public double messageMsPerMb() {
        return Double.isNaN(messageMsPerMb) ? PI4_MESSAGE_MS_PER_MB * PI4_SCALAR_SCORE / scalarScore() : messageMsPerMb;
    }

    /** Seconds one message of {@code bytes} (a task or a result) occupies the node's message path: half the fixed cost plus its MBs. */
    public double messageSeconds(long bytes) {
        return (messageOverheadMs() / 2 + messageMsPerMb() * bytes / 1e6) / 1000.0;
    }

    /** The same profile with this message path (ms per task, ms per MB in + out). */
    public DeviceProfile withMessagePath(double overheadMs, double msPerMb) {
        return new DeviceProfile(name, gflops, layerOverheadMs, taskOverheadMs, memoryBytes, scalarScore, overheadMs, msPerMb);
    }

    /** The published scalar score, or (NaN given) the Pi 4's score scaled by this device's conv rate. */
    @Override
    public double scalarScore() {
        return Double.isNaN(scalarScore) ? gflops(OpClass.CONV) * PI4_SCALAR_PER_CONV_GFLOPS : scalarScore;
    }

    /** The same profile with this published scalar score (see the type's comment). */
    public DeviceProfile withScalarScore(double score) {
        return new DeviceProfile(name, gflops, layerOverheadMs, taskOverheadMs, memoryBytes, score, messageOverheadMs, messageMsPerMb);
    }

    public static DeviceProfile of(String name, double conv, double depthwise, double pool, double dense, double elementwise,
                                   double layerOverheadMs, double taskOverheadMs, long memoryMb) {
        Map<OpClass, Double> g = new EnumMap<>(OpClass.class);
        g.put(OpClass.CONV, conv);
        g.put(OpClass.DEPTHWISE, depthwise);
        g.put(OpClass.POOL, pool);
        g.put(OpClass.DENSE, dense);
        g.put(OpClass.ELEMENTWISE, elementwise);
        return new DeviceProfile(name, g, layerOverheadMs, taskOverheadMs, memoryMb * 1024 * 1024);
    }

    public double gflops(OpClass c) {
        return gflops.get(c);
    }

    /** Seconds to do {@code flops} of class {@code c}. */
    public double seconds(OpClass c, double flops) {
        return flops / (gflops(c) * 1e9);
    }

    /**
     * The same device computing {@code factor} times as fast (0.5 = throttled to half speed). The message
     * path keeps its figures: the coordinator estimates it apart from compute (MessagePathEstimate).
     */
    public DeviceProfile scaled(double factor) {
        Map<OpClass, Double> g = new EnumMap<>(OpClass.class);
        gflops.forEach((k, v) -> g.put(k, v * factor));
        return new DeviceProfile(name, g, layerOverheadMs / factor, taskOverheadMs / factor, memoryBytes, scalarScore * factor,
                messageOverheadMs(), messageMsPerMb());
    }

    /** A profile from a node's micro-benchmark (see io.edgefuse.model.exec.CapacityProbe); op classes by wire name. */
    public static DeviceProfile measured(String name, Map<String, Double> gflopsByName, double layerOverheadMs, double taskOverheadMs, long memoryBytes) {
        Map<OpClass, Double> g = new EnumMap<>(OpClass.class);
        for (OpClass c : OpClass.values()) {
            Double v = gflopsByName.get(c.name().toLowerCase(java.util.Locale.ROOT));
            if (v == null) throw new IllegalArgumentException("measured capacity of " + name + " lacks '" + c.name().toLowerCase(java.util.Locale.ROOT) + "'");
            g.put(c, v);
        }
        return new DeviceProfile(name, g, layerOverheadMs, taskOverheadMs, memoryBytes);
    }

    /** Replaces throughputs with measured ones (from a node's micro-benchmark or observed tasks). */
    public DeviceProfile withGflops(Map<OpClass, Double> measured) {
        Map<OpClass, Double> g = new EnumMap<>(gflops);
        g.putAll(measured);
        return new DeviceProfile(name, g, layerOverheadMs, taskOverheadMs, memoryBytes, scalarScore, messageOverheadMs, messageMsPerMb);
    }
}
