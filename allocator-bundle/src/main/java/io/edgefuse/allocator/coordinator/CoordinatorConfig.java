package io.edgefuse.allocator.coordinator;

import io.edgefuse.allocator.cluster.LinkProfile;
import io.edgefuse.allocator.cluster.Profiles;
import io.edgefuse.protocol.DType;

/**
 * Coordinator settings (Config Admin pid io.edgefuse.coordinator, or CLI flags):
 * planner, the link profile assumed for nodes until measured, the dtype of tensors on the wire, how
 * long a request may take, how long a tile may take (a multiple of its predicted time, at least a
 * floor), and how often a tile is re-sent before the request fails.
 */
public record CoordinatorConfig(String planner, LinkProfile link, DType dtype, long requestTimeoutMs, long minTaskTimeoutMs,
                                double taskTimeoutFactor, int maxAttempts) {

    public static CoordinatorConfig defaults() {
        return new CoordinatorConfig("edgefuse", Profiles.link("eth1g"), DType.FLOAT32, 60_000, 5_000, 4.0, 4);
    }

    public CoordinatorConfig withPlanner(String p) {
        return new CoordinatorConfig(p, link, dtype, requestTimeoutMs, minTaskTimeoutMs, taskTimeoutFactor, maxAttempts);
    }

    public CoordinatorConfig withTimeouts(long requestMs, long minTaskMs) {
        return new CoordinatorConfig(planner, link, dtype, requestMs, minTaskMs, taskTimeoutFactor, maxAttempts);
    }

    public CoordinatorConfig withLink(LinkProfile l) {
        return new CoordinatorConfig(planner, l, dtype, requestTimeoutMs, minTaskTimeoutMs, taskTimeoutFactor, maxAttempts);
    }
}
