package io.edgefuse.allocator.coordinator;

import java.util.Map;
import java.util.Set;

/**
 * What the coordinator knows of a node from its retained status and its heartbeats: whether it is
 * online, its measured capacity, the model versions it holds, and how busy it is.
 */
public record NodeInfo(String name, boolean online, String engine, Map<String, Double> gflops, double layerOverheadMs,
                       long memoryBytes, Set<String> models, int queueDepth, long lastSeenMs) {

    /** Model keys are "name@version". */
    public boolean has(String model, String version) {
        return models.contains(model + "@" + version);
    }

    public NodeInfo seen(long now, int queue, Set<String> loaded) {
        return new NodeInfo(name, online, engine, gflops, layerOverheadMs, memoryBytes, loaded == null ? models : loaded, queue, now);
    }

    public NodeInfo offline() {
        return new NodeInfo(name, false, engine, gflops, layerOverheadMs, memoryBytes, models, queueDepth, lastSeenMs);
    }
}
