package io.edgefuse.allocator.sim;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.allocator.cost.NodeTimeline;
import io.edgefuse.allocator.cost.TileCost;
import io.edgefuse.allocator.planner.Planner;
import io.edgefuse.model.plan.Assignment;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.plan.StagePlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Discrete-event run of a request stream over a cluster whose real speeds and links drift away from
 * what the coordinator believes. Per request, every tile's transfers and compute are timed on the real
 * cluster (with jitter); the coordinator sees each tile's observed compute and transfer times, as
 * heartbeats report them, folds them into its per-node estimates, and re-plans when an estimate moved
 * by more than the threshold or a node left or joined. Tiles of a node that left are detected after
 * the detection delay and re-sent to the fastest remaining node.
 */
public final class Simulator {
    private final CostModel cost;
    private final Planner planner;

    public Simulator(CostModel cost, Planner planner) {
        this.cost = cost;
        this.planner = planner;
    }

    public SimResult run(Cluster initial, SimOptions o) {
        nominals.clear();
        SplittableRandom rnd = new SplittableRandom(o.seed());
        Map<String, ClusterNode> truth = new LinkedHashMap<>();
        for (ClusterNode n : initial.nodes()) truth.put(n.name(), n);
        Map<String, double[]> belief = new HashMap<>(); // per node: compute factor, bandwidth factor
        Cluster believed = initial;
        Plan plan = planner.plan(cost, believed);
        Map<String, double[]> plannedWith = snapshot(belief, initial);
        List<Double> latencies = new ArrayList<>();
        double idleSum = 0;
        long bytes = 0;
        int replans = 0;
        for (int r = 0; r < o.requests(); r++) {
            boolean membership = applyEvents(o, r, truth);
            Cluster real = new Cluster(new ArrayList<>(truth.values()));
            if (o.replan() && (membership || drifted(belief, plannedWith, o.replanThreshold()))) {
                believed = believedCluster(real, belief, initial);
                plan = planner.plan(cost, believed);
                plannedWith = snapshot(belief, believed);
                replans++;
            } else if (membership) {
                believed = believedCluster(real, belief, initial);
            }
            double latency = 0, busy = 0;
            for (StagePlan sp : plan.stages()) {
                double[] stage = runStage(sp, real, truth, rnd, o, belief);
                latency += stage[0];
                busy += stage[1];
                bytes += (long) stage[2];
            }
            latencies.add(latency);
            idleSum += latency > 0 ? 1 - busy / (real.size() * latency) : 0;
        }
        int tiles = 0;
        for (StagePlan sp : plan.stages()) tiles += sp.assignments().size();
        return new SimResult(planner.name(), latencies, idleSum / Math.max(1, o.requests()), bytes, replans, plan.stageCount(), tiles);
    }

    /** Returns {makespan, busy seconds, bytes} of one stage on the real cluster. */
    private double[] runStage(StagePlan sp, Cluster real, Map<String, ClusterNode> truth, SplittableRandom rnd, SimOptions o, Map<String, double[]> belief) {
        Map<String, NodeTimeline> state = new HashMap<>();
        double makespan = 0, busy = 0, bytes = 0, lostAt = -1;
        List<Assignment> lost = new ArrayList<>();
        for (Assignment a : sp.assignments()) {
            ClusterNode n = truth.get(a.device());
            if (n == null) {
                lost.add(a);
                continue;
            }
            double[] t = runTile(sp, a, n, state, rnd, o, belief);
            makespan = Math.max(makespan, t[0]);
            busy += t[1];
            bytes += t[2];
        }
        if (!lost.isEmpty()) {
            lostAt = o.detectionSeconds();
            ClusterNode fallback = real.byConvSpeed().get(0);
            state.computeIfAbsent(fallback.name(), k -> new NodeTimeline()).notBefore(lostAt);
            for (Assignment a : lost) {
                double[] t = runTile(sp, new Assignment(fallback.name(), a.region()), fallback, state, rnd, o, belief);
                makespan = Math.max(makespan, t[0]);
                busy += t[1];
                bytes += t[2];
            }
        }
        return new double[] {makespan, busy, bytes};
    }

    private double[] runTile(StagePlan sp, Assignment a, ClusterNode n, Map<String, NodeTimeline> state, SplittableRandom rnd, SimOptions o, Map<String, double[]> belief) {
        TileCost t = cost.tile(sp.stage(), a.region(), n);
        NodeTimeline tl = state.computeIfAbsent(n.name(), k -> new NodeTimeline());
        double down = n.link().seconds(t.inBytes()) * noise(rnd, o.jitter());
        double in = n.device().messageSeconds(t.inBytes()) * noise(rnd, o.jitter());
        double compute = t.computeSeconds() * noise(rnd, o.jitter());
        double out = n.device().messageSeconds(t.outBytes()) * noise(rnd, o.jitter());
        double up = n.link().seconds(t.outBytes()) * noise(rnd, o.jitter());
        double back = tl.add(down, in, compute, out, up);
        observe(belief, n, sp, a, t, compute, down + up, o.learningRate());
        return new double[] {back, compute, t.inBytes() + t.outBytes()};
    }

    /** Folds one observed tile into the coordinator's estimate of the node, relative to its profile. */
    private void observe(Map<String, double[]> belief, ClusterNode real, StagePlan sp, Assignment a, TileCost realCost, double compute, double transfer, double rate) {
        ClusterNode nominal = nominal(real);
        TileCost expected = cost.tile(sp.stage(), a.region(), nominal);
        double computeFactor = expected.computeSeconds() / compute;
        double transferExpected = nominal.link().seconds(realCost.inBytes()) + nominal.link().seconds(realCost.outBytes());
        double bandwidthFactor = transferExpected / transfer;
        double[] b = belief.computeIfAbsent(real.name(), k -> new double[] {1, 1});
        b[0] = SpeedEstimate.update(b[0], computeFactor, rate);
        b[1] = SpeedEstimate.update(b[1], bandwidthFactor, rate);
    }

    private final Map<String, ClusterNode> nominals = new HashMap<>();

    private ClusterNode nominal(ClusterNode real) {
        return nominals.getOrDefault(real.name(), real);
    }

    private boolean applyEvents(SimOptions o, int r, Map<String, ClusterNode> truth) {
        boolean membership = false;
        for (ClusterNode n : truth.values()) nominals.putIfAbsent(n.name(), n);
        for (ClusterEvent e : o.events()) {
            if (e.atRequest() != r) continue;
            if (e instanceof ClusterEvent.Slowdown s) {
                ClusterNode n = require(truth, s.node());
                truth.put(n.name(), n.withDevice(nominal(n).device().scaled(s.factor())));
            } else if (e instanceof ClusterEvent.Bandwidth b) {
                for (ClusterNode n : new ArrayList<>(truth.values())) {
                    if (b.node() == null || b.node().equals(n.name())) {
                        truth.put(n.name(), n.withLink(n.link().withBandwidth(n.link().mbitPerSecond() * b.factor())));
                    }
                }
            } else if (e instanceof ClusterEvent.Leave l) {
                require(truth, l.node());
                truth.remove(l.node());
                membership = true;
            } else if (e instanceof ClusterEvent.Join j) {
                truth.put(j.node().name(), j.node());
                nominals.put(j.node().name(), j.node());
                membership = true;
            }
        }
        return membership;
    }

    private static ClusterNode require(Map<String, ClusterNode> truth, String name) {
        ClusterNode n = truth.get(name);
        if (n == null) throw new IllegalArgumentException("simulated event names node '" + name + "', which is not in the cluster");
        return n;
    }

    private Cluster believedCluster(Cluster real, Map<String, double[]> belief, Cluster initial) {
        return real.map(n -> {
            ClusterNode nom = nominal(n);
            double[] b = belief.getOrDefault(n.name(), new double[] {1, 1});
            return nom.withDevice(nom.device().scaled(b[0])).withLink(nom.link().withBandwidth(nom.link().mbitPerSecond() * b[1]));
        });
    }

    private static Map<String, double[]> snapshot(Map<String, double[]> belief, Cluster c) {
        Map<String, double[]> s = new HashMap<>();
        for (ClusterNode n : c.nodes()) s.put(n.name(), belief.getOrDefault(n.name(), new double[] {1, 1}).clone());
        return s;
    }

    private static boolean drifted(Map<String, double[]> belief, Map<String, double[]> plannedWith, double threshold) {
        for (Map.Entry<String, double[]> e : belief.entrySet()) {
            double[] then = plannedWith.getOrDefault(e.getKey(), new double[] {1, 1});
            for (int i = 0; i < 2; i++) {
                if (Math.abs(e.getValue()[i] / then[i] - 1) > threshold) return true;
            }
        }
        return false;
    }

    private static double noise(SplittableRandom rnd, double sigma) {
        if (sigma <= 0) return 1;
        return Math.exp(sigma * rnd.nextGaussian() - sigma * sigma / 2);
    }
}
