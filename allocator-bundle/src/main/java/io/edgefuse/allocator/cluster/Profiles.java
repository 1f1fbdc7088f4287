package io.edgefuse.allocator.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Built-in device and link profiles. Device figures are sustained float32 rates of a CPU inference
 * engine on all cores, estimated from public benchmarks (docs/planner.md lists them); a running node
 * replaces them with its own micro-benchmark and observed task times.
 */
public final class Profiles {
    private static final Map<String, DeviceProfile> DEVICES = new LinkedHashMap<>();
    private static final Map<String, LinkProfile> LINKS = new LinkedHashMap<>();

    static {
        //                               conv  dw   pool dense elem  layer-ms task-ms memory-MB
        // Scalar scores: `sysbench cpu --threads=1` (1.0.20, events/s) on each board, as published in
        // "Raspberry Pi CPU Benchmarks" (leoncode.co.uk): Pi 3B+ 687.45, Pi 4 1477.83, Pi 5 2737.49.
        // Message path (ms per task, ms per MB in + out; docs/planner.md "Message path"): pi4 and pi3 from the
        // emulated cluster's per-tile fits (12-16 ms + 10-12 ms/MB and 19-28 ms + 24-30 ms/MB beyond the link)
        // and this host's 4.3 ms of CPU per MB scaled by the scalar scores (11.5 and 24.8 ms/MB); pi5 the pi4's
        // figures over the scalar-score ratio 2737.49 / 1477.83.
        add(DeviceProfile.of("pi3", 3.5, 1.0, 0.25, 1.0, 0.25, 0.30, 5.0, 900).withScalarScore(687.45).withMessagePath(20.0, 25.0));
        add(DeviceProfile.of("pi4", 10.0, 3.0, 0.6, 2.0, 0.6, 0.15, 3.0, 3500).withScalarScore(1477.83).withMessagePath(12.0, 11.5));
        add(DeviceProfile.of("pi5", 25.0, 7.5, 1.5, 5.0, 1.5, 0.08, 2.0, 7500).withScalarScore(2737.49).withMessagePath(6.5, 6.2));
        add(new LinkProfile("wifi20", 3.0, 20));
        add(new LinkProfile("wifi50", 2.0, 50));
        add(new LinkProfile("wifi100", 1.5, 100));
        add(new LinkProfile("eth100", 0.3, 94));
        add(new LinkProfile("eth1g", 0.2, 940));
    }

    private Profiles() {}

    private static void add(DeviceProfile d) {
        DEVICES.put(d.name(), d);
    }

    private static void add(LinkProfile l) {
        LINKS.put(l.name(), l);
    }

    public static DeviceProfile device(String name) {
        DeviceProfile d = DEVICES.get(name);
        if (d == null) throw new IllegalArgumentException("unknown device profile '" + name + "' (known: " + String.join(", ", DEVICES.keySet()) + ")");
        return d;
    }

    public static LinkProfile link(String name) {
        LinkProfile l = LINKS.get(name);
        if (l == null) throw new IllegalArgumentException("unknown link profile '" + name + "' (known: " + String.join(", ", LINKS.keySet()) + ")");
        return l;
    }

    public static Map<String, DeviceProfile> devices() {
        return Map.copyOf(DEVICES);
    }

    public static Map<String, LinkProfile> links() {
        return Map.copyOf(LINKS);
    }
}
