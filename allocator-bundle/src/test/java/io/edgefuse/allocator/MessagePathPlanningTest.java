package io.edgefuse.allocator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.allocator.planner.Planners;
import io.edgefuse.model.Model;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.plan.StagePlan;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The planner weighs the message path: many small pipelined pieces only while a task costs little on the node. */
class MessagePathPlanningTest {

    /** The most pieces any node gets in any stage, and the tiles of the plan. */
    private static int[] pieces(Plan p) {
        int most = 0, tiles = 0;
        for (StagePlan sp : p.stages()) {
            Map<String, Integer> per = new HashMap<>();
            for (var a : sp.assignments()) most = Math.max(most, per.merge(a.device(), 1, Integer::sum));
            tiles += sp.assignments().size();
        }
        return new int[] {most, tiles};
    }

    private static Cluster cluster(double fixedMs, double perMb) {
        return Cluster.parse("2xpi4,2xpi3", "wifi50").map(n -> n.withDevice(n.device().withMessagePath(fixedMs, perMb)));
    }

    @Test
    void fewerBiggerPiecesWhenATaskCostsMuchOnTheNode() {
        Model m = io.edgefuse.model.zoo.Zoo.graph("vgg16");
        CostModel cost = new CostModel(m);
        Plan free = Planners.get("edgefuse").plan(cost, cluster(0, 0));
        Plan dear = Planners.get("edgefuse").plan(cost, cluster(150, 40));
        int[] f = pieces(free), d = pieces(dear);
        String msg = String.format("free: most %d tiles %d stages %d; dear: most %d tiles %d stages %d", f[0], f[1], free.stageCount(), d[0], d[1], dear.stageCount());
        assertTrue(f[0] >= 2, "with a free message path some node gets its tile in pipelined pieces: " + msg);
        assertTrue(d[1] < f[1], "a dear message path: fewer tiles (" + d[1] + " vs " + f[1] + ")");
        assertTrue(d[0] < f[0], "a dear message path: fewer pieces per node and stage (" + d[0] + " vs " + f[0] + ")");
        // and the cost model agrees that the pieces were worth it only when they were cheap
        assertTrue(cost.plan(free, cluster(150, 40)).latencySeconds() > cost.plan(dear, cluster(150, 40)).latencySeconds());
        assertTrue(cost.plan(dear, cluster(0, 0)).latencySeconds() >= cost.plan(free, cluster(0, 0)).latencySeconds());
    }
}
