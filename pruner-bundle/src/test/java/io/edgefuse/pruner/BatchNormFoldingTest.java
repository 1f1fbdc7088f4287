package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.testing.RandomGraphs;
import org.junit.jupiter.api.Test;

class BatchNormFoldingTest {

    private static long count(Model m, Class<? extends Op> type) {
        return m.nodes().stream().filter(n -> type.isInstance(n.op())).count();
    }

    @Test
    void foldedRandomModelsComputeTheSameOutput() {
        JavaExecutor exec = new JavaExecutor();
        long folds = 0;
        for (long seed = 0; seed < 40; seed++) {
            Model m = RandomGraphs.generate(seed);
            Model f = BatchNormFolding.fold(m);
            folds += count(m, Op.BatchNorm.class) - count(f, Op.BatchNorm.class);
            assertEquals(m.size() - f.size(), count(m, Op.BatchNorm.class) - count(f, Op.BatchNorm.class), "seed " + seed);
            Tensor x = RandomGraphs.input(m, seed);
            Tensor a = exec.runWhole(m, x), b = exec.runWhole(f, x);
            float tol = 1e-4f * Math.max(1f, a.maxAbs());
            assertTrue(a.maxAbsDiff(b) <= tol, "seed " + seed + ": diff " + a.maxAbsDiff(b));
        }
        // Residual blocks put a batch norm after a bias-free conv, so some folds must have happened.
        assertTrue(folds > 5, "only " + folds + " batch norms folded");
    }

    @Test
    void foldsOnlyBatchNormsDirectlyAfterAConvThatFeedsNothingElse() {
        TinyNet t = new TinyNet(6, 6, 2, 1);
        String c0 = t.conv("input", 3, Padding.SAME, 4);
        String bn0 = t.batchNorm(c0);
        String r0 = t.relu(bn0);
        String bn1 = t.batchNorm(r0);
        String c1 = t.conv(bn1, 3, Padding.SAME, 3);
        String bn2 = t.batchNorm(c1);
        t.add(bn2, t.conv(bn2, 1, Padding.VALID, 3));
        Model m = t.build();
        Model f = BatchNormFolding.fold(m);
        assertEquals(1, count(f, Op.BatchNorm.class), "the batch norm after a ReLU stays");
        Op.Conv2D folded = (Op.Conv2D) f.node(f.indexOf(c0)).op();
        assertTrue(folded.bias(), "a folded conv gains a bias");
        assertEquals(f.node(f.indexOf(r0)).input(), c0);
        Tensor x = TinyNet.unitInput(m, 3);
        JavaExecutor exec = new JavaExecutor();
        assertTrue(exec.runWhole(m, x).maxAbsDiff(exec.runWhole(f, x)) < 1e-5);
    }
}
