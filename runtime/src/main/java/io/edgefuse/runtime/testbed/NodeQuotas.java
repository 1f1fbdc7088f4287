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

    /** Every node may use a whole core until {@link #restore}. */
    public void lift() {
        for (TestbedState.NodeEntry n : state.nodes) cgroups.unlimit(n.id());
    }

    /**
     * Sets every node's quota back to its share and checks that the kernel has it; returns a line saying
     * so (e.g. "pi4-1 1.0 ms per 10.4 ms (0.096 of a core), ...").
     */
    public String restore() {
        List<String> set = new ArrayList<>();
        for (TestbedState.NodeEntry n : state.nodes) {
            cgroups.setQuota(n.id(), n.coreFraction());
            double want = (double) CpuCgroups.quotaUs(n.coreFraction()) / CpuCgroups.periodUs(n.coreFraction()), got = cgroups.fraction(n.id());
            if (!(Math.abs(got - want) <= 1e-6)) {
                throw new TestbedException("the CPU quota of " + n.id() + " reads " + (got < 0 ? "unlimited" : String.format("%.4f of a core", got))
                        + String.format(" after setting %.4f: the measurement would not be at emulated speed", want));
            }
            set.add(String.format("%s %.1f ms per %.1f ms (%.3f of a core)", n.id(), CpuCgroups.quotaUs(n.coreFraction()) / 1000.0,
                    CpuCgroups.periodUs(n.coreFraction()) / 1000.0, got));
        }
        return String.join(", ", set);
    }
}
