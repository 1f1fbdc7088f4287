package io.edgefuse.allocator.coordinator;

import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.tensor.Tensor;

/** A finished request: the model's output, the version that computed it, latency, plan and re-sends. */
public record Outcome(String requestId, Tensor output, String model, String modelVersion, double latencyMs, Plan plan, int resends) {}
