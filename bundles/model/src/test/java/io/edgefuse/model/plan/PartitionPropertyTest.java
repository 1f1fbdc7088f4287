package io.edgefuse.model.plan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.testing.RandomGraphs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Partitioned runs equal the monolithic run, for random graphs and random splits (java executor). */
class PartitionPropertyTest {

    @Test
    void randomGraphsUnderRandomPlansMatchMonolithic() {
        JavaExecutor java = new JavaExecutor();
        int checked = 0;
        for (long s = 1; s <= 150; s++) {
            final long seed = s;
            Model m = RandomGraphs.generate(seed);
            int devices = 2 + (int) (seed % 6);
            List<Plan> plans = PartitionCheck.testPlans(m, devices, seed);
            for (PartitionCheck.Case c : PartitionCheck.run(m, plans, RandomGraphs.input(m, seed), java, d -> java)) {
                assertTrue(c.passed(), () -> "seed " + seed + " plan " + c.name() + ": relative error " + c.relativeError()
                        + " / feature " + c.featureRelativeError() + "\n" + describe(m));
                checked++;
            }
        }
        assertTrue(checked >= 150, "too few plans checked: " + checked);
    }

    static String describe(Model m) {
        StringBuilder sb = new StringBuilder("input " + m.input().shape() + "\n");
        for (int i = 0; i < m.size(); i++) {
            sb.append(m.node(i).name()).append(' ').append(m.node(i).op()).append(" <- ").append(m.node(i).inputs())
              .append(" -> ").append(m.shape(i)).append('\n');
        }
        return sb.toString();
    }
}
