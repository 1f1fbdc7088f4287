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
    // 1 GFLOP/s everywhere, no overheads, no message path, 8 Mbit/s = 1 MB/s, no latency: numbers easy to check by hand.
    private static final DeviceProfile UNIT = DeviceProfile.of("unit", 1, 1, 1, 1, 1, 0, 0, 1024).withMessagePath(0, 0);
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

    @Test
    void theMessagePathIsChargedOnTheNodesSideBesideItsCompute() {
        // 200 ms per task (100 per message) + 1000 ms per MB: a 1 MB message occupies the message path 1.1 s.
        DeviceProfile slow = UNIT.withMessagePath(200, 1000);
        Cluster c = new Cluster(List.of(new ClusterNode("a", slow, MB_PER_S)));
        TileCost t = new TileCost("a", 0, 1.0, 1_000_000, 1_000_000);
        assertEquals(1.1, slow.messageSeconds(1_000_000), 1e-12);
        // alone: link 1 + decode 1.1 + compute 1 + encode 1.1 + link 1
        assertEquals(5.2, CostModel.aloneSeconds(t, c.node("a")), 1e-12);
        StageCost s = CostModel.schedule(List.of(t, t), c);
        // tile 1: on the link 0-1, decoded 1-2.1, computed 2.1-3.1, encoded 3.1-4.2, back 5.2.
        // tile 2: on the link 1-2, decoded 2.1-3.2 (after tile 1's decode), computed 3.2-4.2, encoded 4.2-5.3
        // (beside tile 1's upload: input and output handling are separate), back 5.3-6.3.
        assertEquals(6.3, s.finish().get("a"), 1e-12);
        assertEquals(2.0, s.busy().get("a"), 1e-12);
    }

    @Test
    void aProfileWithoutMessageFiguresGetsAPi4sScaledByItsScalarScore() {
        DeviceProfile half = DeviceProfile.of("half-a-pi4", 5, 1, 1, 1, 1, 0, 0, 1024);
        assertEquals(24.0, half.messageOverheadMs(), 1e-9);
        assertEquals(23.0, half.messageMsPerMb(), 1e-9);
        DeviceProfile pi4 = io.edgefuse.allocator.cluster.Profiles.device("pi4");
        assertEquals(DeviceProfile.PI4_MESSAGE_MS, pi4.messageOverheadMs(), 1e-12);
        // scaling compute leaves the message path alone: the coordinator learns it apart
        assertEquals(pi4.messageMsPerMb(), pi4.scaled(0.5).messageMsPerMb(), 1e-12);
        assertEquals(half.messageMsPerMb(), half.scaled(2).messageMsPerMb(), 1e-12);
    }
}
