package io.edgefuse.allocator.sim;

import java.util.List;

/**
 * A simulated request stream: how many requests, the relative standard deviation of compute and
 * transfer times (jitter), the seed, what happens to the cluster along the way, and whether the
 * coordinator re-plans from what it observes (as the real coordinator does from heartbeats).
 */
public record SimOptions(int requests, double jitter, long seed, List<ClusterEvent> events, boolean replan,
                         double replanThreshold, double learningRate, double detectionSeconds) {

    public static SimOptions of(int requests) {
        return new SimOptions(requests, 0.05, 1, List.of(), true, 0.10, 0.5, 3.0);
    }

    public SimOptions withEvents(List<ClusterEvent> e) {
        return new SimOptions(requests, jitter, seed, List.copyOf(e), replan, replanThreshold, learningRate, detectionSeconds);
    }

    public SimOptions withJitter(double j) {
        return new SimOptions(requests, j, seed, events, replan, replanThreshold, learningRate, detectionSeconds);
    }

    public SimOptions withReplan(boolean r) {
        return new SimOptions(requests, jitter, seed, events, r, replanThreshold, learningRate, detectionSeconds);
    }

    public SimOptions withSeed(long s) {
        return new SimOptions(requests, jitter, s, events, replan, replanThreshold, learningRate, detectionSeconds);
    }
}
