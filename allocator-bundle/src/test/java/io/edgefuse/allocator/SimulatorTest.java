package io.edgefuse.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cluster.Profiles;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.allocator.planner.Planner;
import io.edgefuse.allocator.planner.Planners;
import io.edgefuse.allocator.sim.ClusterEvent;
import io.edgefuse.allocator.sim.SimOptions;
import io.edgefuse.allocator.sim.SimResult;
import io.edgefuse.allocator.sim.Simulator;
import io.edgefuse.model.Model;
import io.edgefuse.model.plan.Plan;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorTest {
    private final Model model = TestModels.smallVgg();
    private final CostModel cost = new CostModel(model);
    private final Cluster cluster = Cluster.parse("2xpi4,2xpi3", "wifi50");

    @Test
    void withoutJitterOrEventsTheSimulatorAgreesWithTheCostModel() {
        for (Planner p : Planners.parse("all")) {
            SimResult r = new Simulator(cost, p).run(cluster, SimOptions.of(3).withJitter(0));
            double predicted = cost.plan(p.plan(cost, cluster), cluster).latencySeconds();
            for (double l : r.latencies()) assertEquals(predicted, l, 1e-9, p.name());
            assertEquals(0, r.replans(), p.name());
        }
    }

    @Test
    void replanningRecoversFromASlowdownWithinThreeRequests() {
        recovers(true, new ClusterEvent.Slowdown(10, "pi4-1", 0.5), cluster.map(n -> n.name().equals("pi4-1") ? n.withDevice(n.device().scaled(0.5)) : n));
    }

    @Test
    void replanningRecoversFromHalvedBandwidthWithinThreeRequests() {
        recovers(false, new ClusterEvent.Bandwidth(10, null, 0.5), cluster.map(n -> n.withLink(n.link().withBandwidth(n.link().mbitPerSecond() / 2))));
    }

    private void recovers(boolean planMustChange, ClusterEvent event, Cluster after) {
        Planner edgefuse = Planners.get("edgefuse");
        SimResult r = new Simulator(cost, edgefuse).run(cluster, SimOptions.of(20).withJitter(0.02).withEvents(List.of(event)));
        Plan fresh = edgefuse.plan(cost, after);
        double freshLatency = cost.plan(fresh, after).latencySeconds();
        for (int req = 13; req < 20; req++) {
            double l = r.latencies().get(req);
            int q = req;
            assertTrue(l <= 1.10 * freshLatency, () -> "request " + q + ": " + l + " s vs fresh plan " + freshLatency + " s");
        }
        assertTrue(r.replans() >= 1);
        if (!planMustChange) return;
        SimResult stale = new Simulator(cost, edgefuse).run(cluster, SimOptions.of(20).withJitter(0).withEvents(List.of(event)).withReplan(false));
        assertTrue(stale.latencies().get(19) > r.latencies().get(19), "without re-planning the stream stays slower");
    }

    @Test
    void aNodeThatLeavesCostsOneDetectionDelayAndAJoiningNodeGetsWork() {
        ClusterNode newcomer = new ClusterNode("pi5-new", Profiles.device("pi5"), Profiles.link("wifi50"));
        SimOptions o = SimOptions.of(12).withJitter(0).withEvents(List.of(new ClusterEvent.Leave(4, "pi4-2"), new ClusterEvent.Join(8, newcomer)));
        SimResult r = new Simulator(cost, Planners.get("edgefuse")).run(cluster, o);
        assertEquals(12, r.latencies().size(), "every request is answered");
        assertTrue(r.replans() >= 2);
        assertTrue(r.latencies().get(9) < r.latencies().get(7), "a pi5 joining speeds the stream up");
    }
}
