package io.edgefuse.engine.tf;

import static io.edgefuse.engine.tf.Oracle.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectTfModelTest {

    @Test
    void plainGraphEqualsTileExecutorAndReference() {
        try (TfExecutor tf = new TfExecutor(2, 1)) {
            for (Model m : List.of(SmallNets.mixed(), SmallNets.vggLike(20, 4), TfExecutorOpsTest.fusedBlock())) {
                Tensor x = Tensor.random(5, 0f, 1f, m.input().shape().dims());
                Tensor reference = Oracle.JAVA.runWhole(m, x);
                try (DirectTfModel direct = new DirectTfModel(m, 2, 1)) {
                    Tensor plain = direct.run(x);
                    assertClose(reference, plain, m.name() + " direct vs java");
                    assertClose(plain, tf.runWhole(m, x), m.name() + " executor vs direct");
                }
            }
        }
    }

    @Test
    void runAfterCloseFailsCleanly() {
        DirectTfModel direct = new DirectTfModel(SmallNets.vggLike(8, 2), 1, 1);
        Tensor x = Tensor.zeros(8, 8, 3);
        direct.run(x);
        direct.close();
        assertThrows(IllegalStateException.class, () -> direct.run(x));
    }

    @Test
    void benchReportsBothLatencies() {
        TfBench.Latencies l = TfBench.compare(SmallNets.vggLike(16, 4), 1, 3, true);
        assertTrue(l.tfExecutorMs() > 0 && l.directTfMs() > 0 && l.javaMs() > 0, l.toString());
        assertTrue(l.maxAbsDiff() < 1e-5, l.toString());
    }
}
