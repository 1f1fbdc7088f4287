package io.edgefuse.allocator.planner;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.plan.Stage;
import java.util.List;

/** The whole model on the one node that answers first: the baseline every speedup is measured against. */
public final class SinglePlanner implements Planner {
    @Override
    public String name() {
        return "single";
    }

    @Override
    public Plan plan(CostModel cost, Cluster cluster) {
        Stage all = Stage.of(cost.model(), 0, cost.model().size() - 1);
        return new Plan(name(), List.of(StageOptions.bestSingle(cost, cluster, all).plan()));
    }
}
