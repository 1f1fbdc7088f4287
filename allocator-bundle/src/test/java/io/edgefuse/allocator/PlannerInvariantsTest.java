package io.edgefuse.allocator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.allocator.planner.Planner;
import io.edgefuse.allocator.planner.Planners;
import io.edgefuse.model.Model;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.plan.PartitionCheck;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.testing.RandomGraphs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every planner's plans are valid and exact; edgefuse is never predicted slower than any baseline. */
class PlannerInvariantsTest {
    private static final String[] CLUSTERS = {"2xpi4", "1xpi5,2xpi3", "2xpi4,2xpi3", "1xpi5,1xpi4,1xpi3", "8xpi3"};
    private static final String[] LINKS = {"wifi20", "wifi50", "eth1g"};

    @Test
    void plansOfEveryPlannerMatchMonolithicOutput() {
        JavaExecutor java = new JavaExecutor();
        for (long seed = 1; seed <= 30; seed++) {
            Model m = RandomGraphs.generate(seed);
            Cluster c = Cluster.parse(CLUSTERS[(int) (seed % CLUSTERS.length)], LINKS[(int) (seed % LINKS.length)]);
            CostModel cost = new CostModel(m);
            for (Planner p : Planners.parse("all")) {
                Plan plan = p.plan(cost, c).validate(m);
                long s = seed;
                for (PartitionCheck.Case k : PartitionCheck.run(m, List.of(plan), RandomGraphs.input(m, seed), java, d -> java)) {
                    assertTrue(k.passed(), () -> p.name() + " seed " + s + ": relative error " + k.relativeError());
                }
            }
        }
    }

    @Test
    void edgefuseIsNeverPredictedSlowerThanABaseline() {
        for (long seed = 1; seed <= 40; seed++) {
            Model m = RandomGraphs.generate(seed);
            for (String spec : CLUSTERS) {
                for (String link : LINKS) {
                    Cluster c = Cluster.parse(spec, link);
                    CostModel cost = new CostModel(m);
                    double ours = cost.plan(Planners.get("edgefuse").plan(cost, c), c).latencySeconds();
                    for (Planner p : Planners.parse("aofl,ftp,layerwise,single")) {
                        double theirs = cost.plan(p.plan(cost, c), c).latencySeconds();
                        long s = seed;
                        assertTrue(ours <= theirs * (1 + 1e-9), () -> "seed " + s + " " + spec + "@" + link + ": edgefuse " + ours + " s > " + p.name() + " " + theirs + " s");
                    }
                    assertTrue(ours >= cost.lowerBoundSeconds(c), "no plan beats the lower bound");
                }
            }
        }
    }
}
