package io.edgefuse.allocator.planner;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.model.plan.Plan;

/** Chooses stages and tiles for one model on one cluster. Plans always pass Plan.validate. */
public interface Planner {

    String name();

    Plan plan(CostModel cost, Cluster cluster);
}
