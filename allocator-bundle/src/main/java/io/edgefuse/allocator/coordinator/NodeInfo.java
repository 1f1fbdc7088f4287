package io.edgefuse.allocator.coordinator;

import java.util.Map;
import java.util.Set;

/**
 * What the coordinator knows of a node from its retained status and its heartbeats: whether it is
 * online, its measured capacity, the model versions it holds (loaded: it can compute their tiles) and
 * which of them are active (the version the node wants new plans to use), and how busy it is.
 */
public record NodeInfo(String name, boolean online, String engine, Map<String, Double> gflops, double layerOverheadMs,
                       long memoryBytes, Set<String> models, Set<String> active, int queueDepth, long lastSeenMs) {

    /** Model keys are "name@version". */
    public boolean has(String model, String version) {
        return models.contains(model + "@" + version);
    }

    public boolean isActive(String model, String version) {
        return active.contains(model + "@" + version);
    }

    /** Whether any version of the model is active here, i.e. the node serves that model at all. */
    public boolean serves(String model) {
        for (String a : active) if (a.startsWith(model + "@")) return true;
        return false;
    }

    public NodeInfo seen(long now, int queue, Set<String> loaded, Set<String> nowActive) {
        return new NodeInfo(name, online, engine, gflops, layerOverheadMs, memoryBytes, loaded == null ? models : loaded,
                nowActive == null ? active : nowActive, queue, now);
    }

    public NodeInfo offline() {
        return new NodeInfo(name, false, engine, gflops, layerOverheadMs, memoryBytes, models, active, queueDepth, lastSeenMs);
    }
}
