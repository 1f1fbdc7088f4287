package io.edgefuse.model.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The big models: run with mvn -Pslow test (hundreds of MB of weights, tens of seconds in pure Java). */
@Tag("slow")
class ZooSlowTest {

    @TempDir
    Path cache;

    @Test
    void vgg16WeightsAreGeneratedQuicklyAndCachedFaithfully() {
        long t0 = System.nanoTime();
        Model m = Zoo.load("vgg16", cache);
        double generate = (System.nanoTime() - t0) / 1e9;
        assertEquals(138_357_544L, m.parameterCount());
        t0 = System.nanoTime();
        Model cached = Zoo.load("vgg16", cache);
        double read = (System.nanoTime() - t0) / 1e9;
        System.out.printf("vgg16: generate + write %.1f s, read back %.1f s%n", generate, read);
        assertEquals(m.version(), cached.version());
        assertTrue(generate < 60, "vgg16 generation took " + generate + " s");
    }

    @Test
    void resnet50ActivationsStayInRange() {
        assertSoftmaxInRange(Zoo.generate("resnet50"), "fc");
    }

    @Test
    void vgg16ActivationsStayInRange() {
        assertSoftmaxInRange(Zoo.generate("vgg16"), "fc8");
    }

    private static void assertSoftmaxInRange(Model m, String logitsName) {
        Tensor x = SeededWeights.normal("input", m.name(), 1f, 224, 224, 3);
        int logitsNode = m.indexOf(logitsName);
        Tensor logits = new JavaExecutor().run(m, Stage.of(m, 0, logitsNode), RegionTensor.whole(x), null);
        double sq = 0;
        for (float v : logits.data()) {
            assertTrue(Float.isFinite(v));
            sq += v * v;
        }
        double rms = Math.sqrt(sq / logits.size());
        float top = new JavaExecutor().runWhole(m, x).maxAbs();
        System.out.printf("%s logits rms %.3f max %.3f, top probability %.3f%n", m.name(), rms, logits.maxAbs(), top);
        assertTrue(rms > 0.1 && rms < 20, m.name() + " logits rms " + rms);
        assertTrue(top < 0.9f, m.name() + " softmax is nearly one-hot: " + top);
    }

    @Test
    void yoloV2OutputIsFiniteAndNotDegenerate() {
        Model m = Zoo.generate("yolov2");
        Tensor x = SeededWeights.uniform("input", "yolov2", 0f, 1f, 416, 416, 3);
        Tensor y = new JavaExecutor().runWhole(m, x);
        double sq = 0;
        for (float v : y.data()) {
            assertTrue(Float.isFinite(v));
            sq += v * v;
        }
        double rms = Math.sqrt(sq / y.size());
        System.out.printf("yolov2 output rms %.3f max %.3f%n", rms, y.maxAbs());
        assertTrue(rms > 0.01 && rms < 100, "yolov2 output rms " + rms);
    }
}
