package io.edgefuse.runtime.testbed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lifts and restores the nodes' CPU quotas around a benchmark's warm-up. A tile's first run builds its
 * TensorFlow graph with the layers' weights as constants and lets the JIT compile the node's task path;
 * on a real gateway that happens once at deploy time, but at a few percent of a core it takes minutes
 * (VGG-16's dense head alone: more than the 120 s task timeout). So warm-up runs unthrottled and the
 * timed requests run under the quotas again, which {@link #restore} reads back from the kernel.
 */
public final class NodeQuotas {
    private final CpuCgroups cgroups;
    private final TestbedState state;

    public NodeQuotas(CpuCgroups cgroups, TestbedState state) {
        this.cgroups = cgroups;
        this.state = state;
    }

    /**
     * The cgroups as a process in the hub namespace reaches them: `ip netns exec` remounts /sys without
     * the cgroup file systems, so they are read through the mount namespace of {@code outsidePid} (a
     * process in the root namespace, e.g. the `bench cluster` that started us).
     */
    public static NodeQuotas viaProcess(long outsidePid, TestbedState state) {
        return new NodeQuotas(CpuCgroups.detect(Path.of("/proc", String.valueOf(outsidePid), "root", "sys", "fs", "cgroup")), state);
    }

    /** Every node (both its groups) may use a whole core until {@link #restore}. */
    public void lift() {
        for (TestbedState.NodeEntry n : state.nodes) cgroups.unlimitNode(n.id());
    }

    /**
     * Sets every node's quotas back to their shares and checks that the kernel has them; returns a line
     * saying so (e.g. "pi4-1 compute 1.0 ms per 10.4 ms (0.096 of a core), io 3.6 ms per 10.0 ms (0.356), ...").
     */
    public String restore() {
        List<String> set = new ArrayList<>();
        for (TestbedState.NodeEntry n : state.nodes) {
            cgroups.setNodeQuotas(n.id(), n.coreFraction(), n.ioFraction());
            String compute = check(n.id(), cgroups.group(n.id(), CpuCgroups.Part.COMPUTE), n.coreFraction());
            set.add(n.id() + " compute " + compute + (cgroups.splitsThreads()
                    ? ", io " + check(n.id(), cgroups.group(n.id(), CpuCgroups.Part.IO), n.ioFraction()) : ""));
        }
        return String.join("; ", set);
    }

    /** Reads a group's quota back; "1.0 ms per 10.4 ms (0.096 of a core)". */
    private String check(String node, String group, double fraction) {
        double want = (double) CpuCgroups.quotaUs(fraction) / CpuCgroups.periodUs(fraction), got = cgroups.fraction(group);
        if (!(Math.abs(got - want) <= 1e-6)) {
            throw new TestbedException("the CPU quota of " + node + " (" + group + ") reads " + (got < 0 ? "unlimited" : String.format("%.4f of a core", got))
                    + String.format(" after setting %.4f: the measurement would not be at emulated speed", want));
        }
        return describe(fraction);
    }

    /** A share as CFS has it: "1.0 ms per 10.4 ms (0.096 of a core)". */
    public static String describe(double fraction) {
        return String.format("%.1f ms per %.1f ms (%.3f of a core)", CpuCgroups.quotaUs(fraction) / 1000.0, CpuCgroups.periodUs(fraction) / 1000.0,
                (double) CpuCgroups.quotaUs(fraction) / CpuCgroups.periodUs(fraction));
    }
}
