package io.edgefuse.allocator.cluster;

import java.util.EnumMap;
import java.util.Map;

/**
 * How fast a device computes: sustained GFLOP/s per op class, a fixed cost per layer run (kernel
 * launch, memory allocation) and per task (message decode, graph lookup), and memory available for
 * models and activations.
 */
public record DeviceProfile(String name, Map<OpClass, Double> gflops, double layerOverheadMs, double taskOverheadMs, long memoryBytes) {

    public DeviceProfile {
        gflops = Map.copyOf(new EnumMap<>(gflops));
        for (OpClass c : OpClass.values()) {
            Double g = gflops.get(c);
            if (g == null || !(g > 0)) throw new IllegalArgumentException("device profile " + name + " lacks a positive GFLOP/s for " + c);
        }
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

    /** The same device running {@code factor} times as fast (0.5 = throttled to half speed). */
    public DeviceProfile scaled(double factor) {
        Map<OpClass, Double> g = new EnumMap<>(OpClass.class);
        gflops.forEach((k, v) -> g.put(k, v * factor));
        return new DeviceProfile(name, g, layerOverheadMs / factor, taskOverheadMs / factor, memoryBytes);
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
        return new DeviceProfile(name, g, layerOverheadMs, taskOverheadMs, memoryBytes);
    }
}
