package io.edgefuse.allocator.sim;

import io.edgefuse.allocator.cluster.ClusterNode;

/** Something that happens to the real cluster before a given request of a simulated stream. */
public sealed interface ClusterEvent {
    int atRequest();

    /** The node computes at {@code factor} of its profile's speed from now on (0.5: throttled to half). */
    record Slowdown(int atRequest, String node, double factor) implements ClusterEvent {}

    /** Every link's bandwidth (node null) or one node's is multiplied by {@code factor}. */
    record Bandwidth(int atRequest, String node, double factor) implements ClusterEvent {}

    record Leave(int atRequest, String node) implements ClusterEvent {}

    record Join(int atRequest, ClusterNode node) implements ClusterEvent {}
}
