package io.edgefuse.engine.tf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.plan.PartitionCheck;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Partitioned runs on the tf executor equal the monolithic reference run (the plan invariant). */
class PartitionedRunTest {

    @Test
    void everyTestPlanMatchesTheMonolithicRun() {
        Model m = SmallNets.mixed();
        Tensor input = Tensor.random(3, 0f, 1f, m.input().shape().dims());
        try (TfExecutor tf = new TfExecutor(2, 1)) {
            for (int devices : new int[] {2, 4}) {
                List<Plan> plans = PartitionCheck.testPlans(m, devices, 11 + devices);
                assertTrue(plans.size() >= 4, "expected several plans, got " + plans.size());
                List<PartitionCheck.Case> cases = PartitionCheck.run(m, plans, input, Oracle.JAVA, device -> tf);
                for (PartitionCheck.Case c : cases) {
                    assertTrue(c.passed(), devices + " devices, plan " + c.name() + ": relative error " + c.relativeError()
                            + ", feature " + c.featureRelativeError());
                    assertTrue(c.tiles() > c.stages(), "plan " + c.name() + " should split at least one stage");
                }
            }
        }
    }
}
