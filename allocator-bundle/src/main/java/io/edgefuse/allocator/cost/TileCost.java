package io.edgefuse.allocator.cost;

/** One tile on one node: work (FLOPs incl. halo recomputation), compute seconds, bytes in and out. */
public record TileCost(String node, double flops, double computeSeconds, long inBytes, long outBytes) {}
