package io.edgefuse.allocator.cost;

import java.util.List;

/** Predicted latency of one request under a plan, and where the time and bytes go. */
public record PlanCost(List<StageCost> stages, double latencySeconds, double idleFraction, long bytesMoved, double flops) {

    public double latencyMs() {
        return latencySeconds * 1000;
    }
}
