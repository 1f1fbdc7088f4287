package io.edgefuse.model;

/**
 * Work and size of one node over its whole output. MACs count multiply-accumulates of conv and dense
 * layers (what published model figures count); FLOPs count every arithmetic operation (2 per MAC,
 * plus bias, normalisation, activation and pooling work).
 */
public record NodeCost(long macs, long flops, long params) {
    public static final NodeCost ZERO = new NodeCost(0, 0, 0);

    public NodeCost plus(NodeCost o) {
        return new NodeCost(macs + o.macs, flops + o.flops, params + o.params);
    }
}
