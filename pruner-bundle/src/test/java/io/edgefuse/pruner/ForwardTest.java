package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.testing.RandomGraphs;
import org.junit.jupiter.api.Test;

/** LRP's double-precision forward pass must compute what the reference executor computes. */
class ForwardTest {

    @Test
    void matchesJavaExecutorOnRandomModels() {
        JavaExecutor exec = new JavaExecutor();
        for (long seed = 0; seed < 40; seed++) {
            Model m = RandomGraphs.generate(seed);
            Tensor x = RandomGraphs.input(m, seed);
            Tensor expected = exec.runWhole(m, x);
            double[] got = Forward.run(m, x, m.size() - 1).get(m.output());
            double tol = 1e-4 * Math.max(1, expected.maxAbs());
            for (int k = 0; k < got.length; k++) {
                assertTrue(Math.abs(got[k] - expected.data()[k]) <= tol, "seed " + seed + " index " + k + ": " + got[k] + " vs " + expected.data()[k]);
            }
        }
    }
}
