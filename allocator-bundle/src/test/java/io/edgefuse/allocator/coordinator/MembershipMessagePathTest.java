package io.edgefuse.allocator.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cluster.Profiles;
import org.junit.jupiter.api.Test;

/** When the coordinator plans with a node's learned message path, and when that makes it re-plan. */
class MembershipMessagePathTest {
    private static final String STATUS = "{\"online\": true, \"engine\": \"tf\", \"memoryBytes\": 4000000000, \"models\": [{\"name\": \"m\", \"version\": \"v\"}],"
            + " \"capacity\": {\"gflops\": {\"conv\": 5.0}, \"layerOverheadMs\": 0.1, \"taskOverheadMs\": 2}}";

    private static ClusterNode node(Membership m) {
        return m.cluster("m", "v", Profiles.link("eth1g")).node("n1");
    }

    @Test
    void theProfileUntilEnoughSamplesThenTheFitAndAReplanOnlyWhenItMoves() throws Exception {
        Membership m = new Membership(3500);
        m.onStatus("n1", new ObjectMapper().readTree(STATUS), System.currentTimeMillis());
        // a node with 5 GFLOP/s conv and no figures of its own starts from half a Pi 4's speed: 24 ms + 23 ms/MB
        assertEquals(24.0, node(m).device().messageOverheadMs(), 1e-9);
        long epoch = m.epoch();
        for (int i = 0; i < MessagePathEstimate.MIN_SAMPLES - 1; i++) m.observeMessage("n1", 0.5 + i % 3, 10 + 5 * (0.5 + i % 3));
        assertEquals(epoch, m.epoch(), "too few samples: plans stay");
        assertEquals(24.0, node(m).device().messageOverheadMs(), 1e-9);
        m.observeMessage("n1", 1.5, 17.5);
        assertEquals(epoch + 1, m.epoch(), "learned: re-plan");
        MessagePathEstimate e = m.messagePaths().get("n1");
        assertEquals(e.fixedMs(), node(m).device().messageOverheadMs(), 1e-9);
        assertEquals(e.perMbMs(), node(m).device().messageMsPerMb(), 1e-9);
        // the prior fades as samples come in (the fit may move and re-plan once or twice more), then settles
        for (int i = 0; i < 60; i++) m.observeMessage("n1", 0.5 + i % 3, 10 + 5 * (0.5 + i % 3));
        long settled = m.epoch();
        for (int i = 0; i < 30; i++) m.observeMessage("n1", 0.5 + i % 3, 10 + 5 * (0.5 + i % 3) + (i % 2 == 0 ? 1 : -1));
        assertEquals(settled, m.epoch(), "the same figures again: no re-plan");
        for (int i = 0; i < 40; i++) m.observeMessage("n1", 0.5 + i % 3, 30 + 15 * (0.5 + i % 3));
        assertEquals(true, m.epoch() > settled, "the node's message path tripled: re-plan");
        // another coordinator starts from what this one learned
        Membership other = new Membership(3500);
        other.onStatus("n1", new ObjectMapper().readTree(STATUS), System.currentTimeMillis());
        other.adoptMessagePaths(m.messagePaths());
        assertEquals(node(m).device().messageMsPerMb(), node(other).device().messageMsPerMb(), 1e-9);
    }

    @Test
    void whatIsLearnedAndWhenItIsPlannedWithCanBeHeld() throws Exception {
        Membership m = new Membership(3500);
        m.onStatus("n1", new ObjectMapper().readTree(STATUS), System.currentTimeMillis());
        double conv = node(m).device().gflops(io.edgefuse.allocator.cluster.OpClass.CONV);
        m.learning(Membership.Learning.NONE);
        m.observe("n1", 100, 200);
        m.observeMessage("n1", 1, 50);
        assertEquals(0, m.messagePaths().size(), "nothing learned");
        assertEquals(conv, node(m).device().gflops(io.edgefuse.allocator.cluster.OpClass.CONV), 1e-9);
        m.learning(Membership.Learning.MESSAGE_PATH);
        m.holdPlans(true);
        long epoch = m.epoch();
        m.observe("n1", 100, 200);
        for (int i = 0; i < 20; i++) m.observeMessage("n1", 0.5 + i % 3, 10 + 5 * (0.5 + i % 3));
        assertEquals(conv, node(m).device().gflops(io.edgefuse.allocator.cluster.OpClass.CONV), 1e-9, "compute figures stay the node's");
        assertEquals(epoch, m.epoch(), "plans held");
        m.holdPlans(false);
        assertEquals(epoch + 1, m.epoch(), "released: one re-plan");
        m.learning(Membership.Learning.ALL);
        m.observe("n1", 100, 200);
        assertEquals(conv / 2, node(m).device().gflops(io.edgefuse.allocator.cluster.OpClass.CONV), 1e-9);
    }

    @Test
    void samplesOfUnknownNodesAreIgnored() {
        Membership m = new Membership(3500);
        m.observeMessage("ghost", 1, 10);
        assertEquals(0, m.messagePaths().size());
    }
}
