package io.edgefuse.engine.tf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.plan.PartitionCheck;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.testing.RandomGraphs;
import org.junit.jupiter.api.Test;

/** Random graphs x random splits on the tf executor, and tf agreeing with the java oracle. */
class RandomGraphPropertyTest {

    @Test
    void partitionedTfRunsMatchMonolithicAndJava() {
        JavaExecutor java = new JavaExecutor();
        try (TfExecutor tf = new TfExecutor(2, 1, 16)) {
            for (long seed = 1; seed <= 40; seed++) {
                Model m = RandomGraphs.generate(seed);
                Tensor in = RandomGraphs.input(m, seed);
                Tensor byTf = tf.runWhole(m, in), byJava = java.runWhole(m, in);
                double rel = byTf.maxAbsDiff(byJava) / Math.max(1e-6, byJava.maxAbs());
                long s = seed;
                assertTrue(rel <= 1e-5, () -> "seed " + s + ": tf vs java relative error " + rel);
                int devices = 2 + (int) (seed % 6);
                for (PartitionCheck.Case c : PartitionCheck.run(m, PartitionCheck.testPlans(m, devices, seed), in, tf, d -> tf)) {
                    assertTrue(c.passed(), () -> "seed " + s + " plan " + c.name() + ": relative error " + c.relativeError());
                }
            }
        }
    }
}
