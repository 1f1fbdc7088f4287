package io.edgefuse.allocator.planner;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cluster.OpClass;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.model.plan.Plan;
import java.util.List;

/**
 * AOFL (Zhou et al., SEC 2019): fused blocks chosen by dynamic programming, each block's output split
 * over all nodes in proportion to their capacity. Blocks that cannot be tiled run on the best node.
 */
public final class AoflPlanner implements Planner {
    @Override
    public String name() {
        return "aofl";
    }

    @Override
    public Plan plan(CostModel cost, Cluster cluster) {
        List<ClusterNode> nodes = cluster.byConvSpeed();
        double[] weights = new double[nodes.size()];
        for (int i = 0; i < weights.length; i++) weights[i] = nodes.get(i).device().gflops(OpClass.CONV);
        return FusedBlockDp.solve(name(), cost.model(), s -> s.tileable()
                ? StageOptions.evaluate(cost, cluster, StageOptions.stripes(s, cost.model().shape(s.last()), nodes, weights))
                : StageOptions.bestSingle(cost, cluster, s));
    }
}
