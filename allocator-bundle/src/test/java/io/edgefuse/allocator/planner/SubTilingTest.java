package io.edgefuse.allocator.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.model.Model;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.plan.PartitionCheck;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.plan.StagePlan;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.testing.RandomGraphs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubTilingTest {

    @Test
    void rowPiecesCoverTheRegionWithoutGapsOrEmptyPieces() {
        for (int h = 1; h <= 40; h++) {
            Region r = new Region(7, 7 + h, 3, 11);
            for (double[] w : SubTiling.SPLITS) {
                List<Region> pieces = SubTiling.rows(r, w);
                if (w.length < 2 || h < w.length) {
                    assertEquals(List.of(r), pieces);
                    continue;
                }
                assertEquals(w.length, pieces.size());
                int top = r.top();
                for (Region p : pieces) {
                    assertEquals(top, p.top(), "pieces are contiguous");
                    assertTrue(p.height() >= 1, "no empty piece");
                    assertEquals(r.left(), p.left());
                    assertEquals(r.right(), p.right());
                    top = p.bottom();
                }
                assertEquals(r.bottom(), top, "the last piece ends at the region's bottom");
            }
        }
    }

    @Test
    void pipelinedPlansStayExact() {
        JavaExecutor java = new JavaExecutor();
        Cluster c = Cluster.parse("2xpi4,2xpi3", "wifi50");
        for (long seed = 1; seed <= 12; seed++) {
            Model m = RandomGraphs.generate(seed);
            Plan plan = Planners.get("aofl").plan(new CostModel(m), c);
            List<StagePlan> stages = new ArrayList<>();
            for (StagePlan sp : plan.stages()) {
                boolean tiled = sp.assignments().stream().noneMatch(a -> a.region() == null);
                StagePlan split = tiled ? SubTiling.split(sp, new double[] {1, 2, 1}) : null;
                stages.add(split == null ? sp : split);
            }
            Plan pipelined = new Plan("pipelined", stages).validate(m);
            long s = seed;
            for (PartitionCheck.Case k : PartitionCheck.run(m, List.of(pipelined), RandomGraphs.input(m, seed), java, d -> java)) {
                assertTrue(k.passed(), () -> "seed " + s + ": relative error " + k.relativeError());
            }
        }
    }

    @Test
    void aSplitIsKeptOnlyWhenItShortensTheStage() {
        Cluster c = Cluster.parse("2xpi4,2xpi3", "wifi20");
        for (long seed = 1; seed <= 12; seed++) {
            Model m = RandomGraphs.generate(seed);
            CostModel cost = new CostModel(m);
            for (StagePlan sp : Planners.get("aofl").plan(cost, c).stages()) {
                StageOptions.Costed whole = StageOptions.evaluate(cost, c, sp);
                StageOptions.Costed piped = SubTiling.pipeline(cost, c, whole);
                assertTrue(piped.makespan() <= whole.makespan() + 1e-12);
                if (piped != whole) assertTrue(piped.plan().assignments().size() > whole.plan().assignments().size());
            }
        }
    }
}
