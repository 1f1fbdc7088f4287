package io.edgefuse.engine.tf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Whole-model overhead of the tile executor over the plain graph (mvn -Pslow test). */
@Tag("slow")
class TfBenchSlowTest {

    @Test
    void executorOverheadOnAWholeModelIsWithinTenPercent() {
        Model m = SmallNets.vggLike(112, 32);
        TfBench.Latencies l = TfBench.compare(m, 5, 30, false);
        System.out.printf("%s: tf-executor %.2f ms, direct-tf %.2f ms, overhead x%.3f, max abs diff %.2e%n",
                m.name(), l.tfExecutorMs(), l.directTfMs(), l.overhead(), l.maxAbsDiff());
        assertTrue(l.overhead() <= 1.10, l.toString());
    }

    @Test
    void mixedNetWithJavaForScale() {
        Model m = SmallNets.mixed();
        TfBench.Latencies l = TfBench.compare(m, 3, 15, true);
        System.out.printf("%s: tf-executor %.3f ms, direct-tf %.3f ms, java %.2f ms, overhead x%.3f, max abs diff %.2e%n",
                m.name(), l.tfExecutorMs(), l.directTfMs(), l.javaMs(), l.overhead(), l.maxAbsDiff());
        assertTrue(l.maxAbsDiff() < 1e-5, l.toString());
        assertTrue(l.javaMs() > 0, l.toString());
    }
}
