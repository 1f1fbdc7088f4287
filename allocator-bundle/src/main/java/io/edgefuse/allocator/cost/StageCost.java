package io.edgefuse.allocator.cost;

import java.util.List;
import java.util.Map;

/**
 * A stage's schedule: every tile's cost, when each node finished (seconds from the stage's start,
 * results back at the coordinator) and the stage's makespan.
 */
public record StageCost(List<TileCost> tiles, Map<String, Double> finish, Map<String, Double> busy, double makespan) {

    public long bytes() {
        long b = 0;
        for (TileCost t : tiles) b += t.inBytes() + t.outBytes();
        return b;
    }

    public double flops() {
        double f = 0;
        for (TileCost t : tiles) f += t.flops();
        return f;
    }
}
