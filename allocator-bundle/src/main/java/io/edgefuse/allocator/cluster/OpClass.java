package io.edgefuse.allocator.cluster;

import io.edgefuse.model.Op;

/** Classes of ops whose speed differs on a device: dense convs are compute-bound, the rest memory-bound. */
public enum OpClass {
    CONV, DEPTHWISE, POOL, DENSE, ELEMENTWISE;

    public static OpClass of(Op op) {
        if (op instanceof Op.Conv2D c) return c.groups() == 1 ? CONV : DEPTHWISE;
        if (op instanceof Op.MaxPool || op instanceof Op.AvgPool || op instanceof Op.GlobalAvgPool) return POOL;
        if (op instanceof Op.Dense) return DENSE;
        return ELEMENTWISE;
    }
}
