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
     * so (e.g. "pi4-1 4.8 ms, pi3-1 1.7 ms per 50 ms").
     */
    public String restore() {
        List<String> set = new ArrayList<>();
        for (TestbedState.NodeEntry n : state.nodes) {
            cgroups.setQuota(n.id(), n.coreFraction());
            long want = CpuCgroups.quotaUs(n.coreFraction()), got = cgroups.quotaUs(n.id());
            if (got != want) {
                throw new TestbedException("the CPU quota of " + n.id() + " reads " + (got < 0 ? "unlimited" : got + " us") + " after setting " + want
                        + " us per " + CpuCgroups.PERIOD_US + " us: the measurement would not be at emulated speed");
            }
            set.add(String.format("%s %.1f ms", n.id(), got / 1000.0));
        }
        return String.join(", ", set) + " per " + CpuCgroups.PERIOD_US / 1000 + " ms";
    }
}
