package io.edgefuse.allocator.planner;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.model.Model;
import io.edgefuse.model.plan.Cuts;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.plan.StagePlan;
import java.util.ArrayList;
import java.util.List;

/**
 * DeepThings' Fused Tile Partitioning (Zhao et al., TCAD 2018): one fused block over the first L layers
 * cut into an equal N x M grid, one tile per node, then the rest of the network on one node. DeepThings
 * fixes L by hand; we give the baseline its best L under our cost model.
 */
public final class FtpPlanner implements Planner {
    @Override
    public String name() {
        return "ftp";
    }

    @Override
    public Plan plan(CostModel cost, Cluster cluster) {
        Model m = cost.model();
        int prefix = Cuts.spatialPrefixEnd(m);
        Plan best = new SinglePlanner().plan(cost, cluster);
        double bestLatency = cost.plan(best, cluster).latencySeconds();
        best = new Plan(name(), best.stages());
        for (int end : Cuts.validEnds(m)) {
            if (end > prefix) break;
            Stage fused = Stage.of(m, 0, end);
            StagePlan grid = StageOptions.equalGrid(fused, m.shape(end), cluster.nodes());
            if (grid == null) continue;
            List<StagePlan> stages = new ArrayList<>();
            stages.add(grid);
            if (end + 1 < m.size()) stages.add(StageOptions.bestSingle(cost, cluster, Stage.of(m, end + 1, m.size() - 1)).plan());
            Plan p = new Plan(name(), stages);
            double t = cost.plan(p, cluster).latencySeconds();
            if (t < bestLatency) {
                bestLatency = t;
                best = p;
            }
        }
        return best;
    }
}
