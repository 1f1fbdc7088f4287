package io.edgefuse.allocator.planner;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.model.plan.Plan;

/**
 * EdgeFuse's planner: dynamic programming over cut points where each candidate stage gets its best
 * communication-aware layout ({@link StageBalancer}): the subset of nodes, stripes or grid, and tile
 * sizes that make all of them finish together. A stage may run on a single node when splitting it
 * costs more in transfers than it saves. Never worse than {@link SinglePlanner} under the cost model.
 */
public final class EdgeFusePlanner implements Planner {
    @Override
    public String name() {
        return "edgefuse";
    }

    @Override
    public Plan plan(CostModel cost, Cluster cluster) {
        StageBalancer balancer = new StageBalancer(cost, cluster);
        Plan dp = FusedBlockDp.solve(name(), cost.model(), balancer::best);
        Plan single = new SinglePlanner().plan(cost, cluster);
        if (cost.plan(single, cluster).latencySeconds() < cost.plan(dp, cluster).latencySeconds()) {
            return new Plan(name(), single.stages());
        }
        return dp;
    }
}
