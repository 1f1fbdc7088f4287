package io.edgefuse.engine.tf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.engine.tf.TfExecutor;
import io.edgefuse.model.Model;
import io.edgefuse.model.data.FashionMnist;
import io.edgefuse.model.data.ImageSet;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.model.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The trained models in models/: they read and validate, are the zoo's graph, are what their
 * training.json describes, and score what it recorded on the first 1000 test images (within 2 points:
 * a 1000-image slice differs from the whole set by about one standard error, 0.8 points at 93%).
 */
class ShippedModelsTest {
    private static final Path MODELS = Path.of("../../models");

    @ParameterizedTest
    @CsvSource({"fmnist-vgg, 0.93", "fmnist-resnet, 0.92"})
    void shippedModelReachesItsRecordedAccuracy(String arch, double target) throws Exception {
        Path folder = MODELS.resolve(arch);
        Model m = ModelFormat.read(folder);
        TrainingRecord rec = TrainingRecord.read(folder);
        assertNotNull(rec, "no training.json in " + folder);
        assertEquals(arch, rec.arch());
        assertEquals(rec.modelVersion(), m.version(), "training.json describes other weights");
        assertArrayEquals(ModelFormat.graphBytes(Zoo.graph(arch)), ModelFormat.graphBytes(m), "model.json differs from the zoo's " + arch);
        assertTrue(rec.testAccuracy() >= target, arch + " recorded " + rec.testAccuracy() + ", target " + target);
        assertEquals(10000, rec.testImages());
        assertTrue(Files.size(folder.resolve(ModelFormat.WEIGHTS_FILE)) < 4 << 20, "weights over 4 MB");

        ImageSet test = new FashionMnist().read(FashionMnist.Split.TEST, 1000);
        Evaluation e = Trainer.evaluate(m, test);
        assertEquals(rec.testAccuracy(), e.accuracy(), 0.02, arch + " on the first 1000 test images");
        try (TfExecutor tf = new TfExecutor(1, 1)) {
            float[] p = TrainerTest.softmax(Trainer.logits(m, test, 0, 1)[0]);
            assertArrayEquals(p, tf.runWhole(m, TrainerTest.preprocessed(m, test, 0)).data(), 1e-5f);
        }
    }
}
