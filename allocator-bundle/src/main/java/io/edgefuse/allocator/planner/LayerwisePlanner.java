package io.edgefuse.allocator.planner;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cluster.OpClass;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.model.Model;
import io.edgefuse.model.Op;
import io.edgefuse.model.plan.Cuts;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.plan.StagePlan;
import java.util.ArrayList;
import java.util.List;

/**
 * MoDNN's BODP (Mao et al., DATE 2017): every conv/pool layer (with the point-wise layers after it) is
 * its own stage, its output rows split over all nodes in proportion to their conv throughput, with a
 * synchronisation after each layer. Layers that cannot be tiled run on the best single node.
 */
public final class LayerwisePlanner implements Planner {
    @Override
    public String name() {
        return "layerwise";
    }

    @Override
    public Plan plan(CostModel cost, Cluster cluster) {
        Model m = cost.model();
        int prefix = Cuts.spatialPrefixEnd(m);
        List<ClusterNode> nodes = cluster.byConvSpeed();
        double[] weights = new double[nodes.size()];
        for (int i = 0; i < weights.length; i++) weights[i] = nodes.get(i).device().gflops(OpClass.CONV);
        List<StagePlan> stages = new ArrayList<>();
        int first = 0;
        for (int end : Cuts.validEnds(m)) {
            if (end > prefix) break;
            boolean nextIsLayer = end == prefix || isLayer(m.node(end + 1).op());
            if (!nextIsLayer) continue;
            Stage s = Stage.of(m, first, end);
            stages.add(StageOptions.stripes(s, m.shape(end), nodes, weights));
            first = end + 1;
        }
        if (first < m.size()) stages.add(StageOptions.bestSingle(cost, cluster, Stage.of(m, first, m.size() - 1)).plan());
        return new Plan(name(), stages);
    }

    private static boolean isLayer(Op op) {
        return op instanceof Op.Conv2D || op instanceof Op.MaxPool || op instanceof Op.AvgPool || op instanceof Op.Reorg;
    }
}
