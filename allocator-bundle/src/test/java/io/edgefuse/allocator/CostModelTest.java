package io.edgefuse.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cluster.DeviceProfile;
import io.edgefuse.allocator.cluster.LinkProfile;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.allocator.cost.StageCost;
import io.edgefuse.allocator.cost.TileCost;
import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostModelTest {
    // 1 GFLOP/s everywhere, no overheads, 8 Mbit/s = 1 MB/s, no latency: numbers easy to check by hand.
    private static final DeviceProfile UNIT = DeviceProfile.of("unit", 1, 1, 1, 1, 1, 0, 0, 1024);
    private static final LinkProfile MB_PER_S = new LinkProfile("1MB/s", 0, 8);

    private static Model conv() {
        Op.Conv2D c = new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 4, 1, false);
        return new Model("t", InputSpec.of(10, 10, 2), List.of(), List.of(Node.of("c", c, "input")), null, Map.of("c.weight", Tensor.zeros(3, 3, 2, 4)));
    }

    @Test
    void tileCostCountsHaloAndBytes() {
        Model m = conv();
        CostModel cost = new CostModel(m);
        ClusterNode n = new ClusterNode("a", UNIT, MB_PER_S);
        TileCost t = cost.tile(Stage.of(m, 0, 0), new Region(0, 5, 0, 10), n);
        assertEquals(5 * 10 * 4 * 18 * 2, t.flops(), 1e-9);
        assertEquals(t.flops() / 1e9, t.computeSeconds(), 1e-15);
        assertEquals(4L * 6 * 10 * 2 + CostModel.FRAME_OVERHEAD_BYTES, t.inBytes(), "rows 0..5 plus one halo row");
        assertEquals(4L * 5 * 10 * 4 + CostModel.FRAME_OVERHEAD_BYTES, t.outBytes());
    }

    @Test
    void tilesOfOneNodeQueueOnItsLinkAndCpu() {
        Cluster c = new Cluster(List.of(new ClusterNode("a", UNIT, MB_PER_S), new ClusterNode("b", UNIT, MB_PER_S)));
        List<TileCost> tiles = List.of(new TileCost("a", 0, 1.0, 1_000_000, 1_000_000),
                new TileCost("a", 0, 1.0, 1_000_000, 1_000_000), new TileCost("b", 0, 0.5, 2_000_000, 0));
        StageCost s = CostModel.schedule(tiles, c);
        // a: inputs arrive at 1 and 2; compute 1-2 and 2-3; outputs 2-3 and 3-4.
        assertEquals(4.0, s.finish().get("a"), 1e-12);
        assertEquals(2.5, s.finish().get("b"), 1e-12);
        assertEquals(4.0, s.makespan(), 1e-12);
        assertEquals(2.0, s.busy().get("a"), 1e-12);
    }
}
