package io.edgefuse.engine.tf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.engine.tf.TfExecutor;
import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.Preprocessing;
import io.edgefuse.model.Shape;
import io.edgefuse.model.data.FashionMnist;
import io.edgefuse.model.data.ImageSet;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Training on a few batches of real Fashion-MNIST images with a tiny conv-bn net (a few seconds). */
class TrainerTest {
    static ImageSet train, test;

    @BeforeAll
    static void data() {
        FashionMnist fm = new FashionMnist();
        train = fm.read(FashionMnist.Split.TRAIN, 1024);
        test = fm.read(FashionMnist.Split.TEST, 500);
    }

    /** conv 3x3x8 (no bias) - bn - relu - maxpool 2 - conv 3x3x16 - relu - maxpool 2 - flatten - dense 10 - softmax. */
    static Model tinyGraph() {
        InputSpec in = new InputSpec("input", Shape.map(28, 28, 1), new Preprocessing(1 / 255.0, new double[] {0.286}, new double[] {0.353}));
        List<Node> nodes = List.of(
                Node.of("conv1", new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 8, 1, false), "input"),
                Node.of("bn1", new Op.BatchNorm(1e-3), "conv1"),
                Node.of("relu1", new Op.Relu(), "bn1"),
                Node.of("pool1", new Op.MaxPool(2, 2, 2, 2, Padding.VALID), "relu1"),
                Node.of("conv2", new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 16, 1, true), "pool1"),
                Node.of("relu2", new Op.Relu(), "conv2"),
                Node.of("pool2", new Op.MaxPool(2, 2, 2, 2, Padding.VALID), "relu2"),
                Node.of("flatten", new Op.Flatten(), "pool2"),
                Node.of("fc", new Op.Dense(10, true), "flatten"),
                Node.of("softmax", new Op.Softmax(), "fc"));
        return Model.graphOnly("tiny", in, FashionMnist.CLASSES, nodes, "softmax");
    }

    static TrainConfig quick() {
        return TrainConfig.defaults().withEpochs(2).withBatchSize(64).withLearningRate(3e-3).withThreads(1);
    }

    @Test
    void lossDecreasesOnAFewBatches() {
        Model start = Trainer.initialise(tinyGraph(), 7);
        List<Double> losses = new ArrayList<>();
        Model trained = Trainer.train(start, train, quick(), new TrainingListener() {
            @Override
            public void batch(int epoch, int batch, double loss, double imagesPerSecond) {
                losses.add(loss);
            }
        });
        assertEquals(2 * (1024 / 64), losses.size());
        double first = (losses.get(0) + losses.get(1) + losses.get(2)) / 3;
        int n = losses.size();
        double last = (losses.get(n - 1) + losses.get(n - 2) + losses.get(n - 3)) / 3;
        assertTrue(last < 0.75 * first, "training loss " + first + " -> " + last);
        Evaluation before = Trainer.evaluate(start, test), after = Trainer.evaluate(trained, test);
        assertTrue(after.loss() < before.loss() - 0.3, before + " -> " + after);
        assertTrue(after.accuracy() > before.accuracy() + 0.2, before + " -> " + after);
    }

    @Test
    void sgdWithMomentumLearnsToo() {
        Model start = Trainer.initialise(tinyGraph(), 7);
        TrainConfig sgd = quick().withOptimizer(TrainConfig.Optimizer.SGD).withLearningRate(0.05);
        Evaluation before = Trainer.evaluate(start, test), after = Trainer.evaluate(Trainer.train(start, train, sgd, TrainingListener.NONE), test);
        assertTrue(after.loss() < before.loss() - 0.3 && after.accuracy() > before.accuracy() + 0.2, before + " -> " + after);
    }

    @Test
    void sameSeedGivesIdenticalWeightsAndAnotherSeedDoesNot() {
        TrainConfig c = quick().withEpochs(1).withAugment(true);
        Model a = Trainer.train(Trainer.initialise(tinyGraph(), 3), train, c, TrainingListener.NONE);
        Model b = Trainer.train(Trainer.initialise(tinyGraph(), 3), train, c, TrainingListener.NONE);
        Model other = Trainer.train(Trainer.initialise(tinyGraph(), 3), train, c.withSeed(4), TrainingListener.NONE);
        for (String k : a.weights().keySet()) assertArrayEquals(a.weight(k).data(), b.weight(k).data(), k);
        assertEquals(a.version(), b.version());
        assertNotEquals(a.version(), other.version());
        assertNotEquals(Trainer.initialise(tinyGraph(), 3).version(), Trainer.initialise(tinyGraph(), 4).version());
    }

    /** The trainer's batched inference, the tile executor and the Java reference agree on a trained model. */
    @Test
    void trainedModelRunsTheSameInTheExecutors() {
        Model m = Trainer.train(Trainer.initialise(tinyGraph(), 5), train, quick().withEpochs(1), TrainingListener.NONE);
        float[][] logits = Trainer.logits(m, test, 0, 20);
        try (Executor tf = new TfExecutor(1, 1)) {
            Executor java = new JavaExecutor();
            for (int i = 0; i < 20; i++) {
                Tensor x = preprocessed(m, test, i);
                Tensor fromTf = tf.runWhole(m, x), fromJava = java.runWhole(m, x);
                float[] p = softmax(logits[i]);
                assertArrayEquals(p, fromTf.data(), 1e-5f, "image " + i + " tf executor");
                assertArrayEquals(p, fromJava.data(), 1e-5f, "image " + i + " java executor");
            }
        }
    }

    /**
     * With a learning rate too small to move the weights, the moving mean of bn1 converges to the mean of
     * conv1's output over the training images, which a model cut after conv1 + global pool computes.
     */
    @Test
    void batchNormMovingStatisticsAreWrittenBack() {
        Model start = Trainer.initialise(tinyGraph(), 9);
        Model trained = Trainer.train(start, train, quick().withEpochs(3).withLearningRate(1e-12).withBnMomentum(0.9), TrainingListener.NONE);
        float[] mean = trained.weight("bn1.mean").data(), var = trained.weight("bn1.variance").data();
        Model cut = new Model("cut", start.input(), List.of(), List.of(start.node(0), Node.of("gap", new Op.GlobalAvgPool(), "conv1")), "gap",
                Map.of("conv1.weight", start.weight("conv1.weight")));
        double[] expected = new double[8];
        JavaExecutor java = new JavaExecutor();
        for (int i = 0; i < train.size(); i++) {
            float[] g = java.runWhole(cut, preprocessed(start, train, i)).data();
            for (int c = 0; c < 8; c++) expected[c] += g[c] / train.size();
        }
        for (int c = 0; c < 8; c++) {
            assertEquals(expected[c], mean[c], 0.05 * Math.sqrt(var[c]), "bn1 moving mean of channel " + c);
            assertTrue(var[c] > 0.01 && Math.abs(var[c] - 1) > 1e-3, "bn1 moving variance " + var[c]);
        }
        assertEquals(start.weight("conv1.weight").data()[0], trained.weight("conv1.weight").data()[0], 1e-6);
    }

    @Test
    void fineTuningStartsFromTheGivenWeights() {
        Model trained = Trainer.train(Trainer.initialise(tinyGraph(), 11), train, quick(), TrainingListener.NONE);
        Evaluation base = Trainer.evaluate(trained, test);
        List<Double> losses = new ArrayList<>();
        Model tuned = Trainer.fineTune(trained, train, 1, 1e-5, new TrainingListener() {
            @Override
            public void batch(int epoch, int batch, double loss, double imagesPerSecond) {
                losses.add(loss);
            }
        });
        // From the trained weights the first step's loss is already near the trained model's, far below ln 10.
        assertTrue(losses.get(0) < base.loss() + 0.3 && losses.get(0) < 0.8 * Math.log(10), "first fine-tuning loss " + losses.get(0) + ", trained " + base);
        float[] w0 = trained.weight("conv2.weight").data(), w1 = tuned.weight("conv2.weight").data();
        float diff = 0;
        for (int i = 0; i < w0.length; i++) diff = Math.max(diff, Math.abs(w0[i] - w1[i]));
        assertTrue(diff > 0 && diff < 1e-3, "fine-tuning moved conv2 by " + diff);
        assertEquals(base.accuracy(), Trainer.evaluate(tuned, test).accuracy(), 0.02);
    }

    @Test
    void refusesWhatItCannotTrain() {
        assertThrows(ModelException.class, () -> Trainer.train(tinyGraph(), train, quick(), TrainingListener.NONE));
        assertThrows(IllegalArgumentException.class, () -> quick().withLearningRate(-1));
        assertThrows(IllegalArgumentException.class, () -> quick().withEpochs(0));
        Model wrongInput = Trainer.initialise(Model.graphOnly("rgb", InputSpec.of(28, 28, 3), List.of(),
                List.of(Node.of("gap", new Op.GlobalAvgPool(), "input"), Node.of("fc", new Op.Dense(10, true), "gap")), "fc"), 1);
        ModelException e = assertThrows(ModelException.class, () -> Trainer.train(wrongInput, train, quick(), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("[28, 28, 1]"), e.getMessage());
        assertFalse(Trainer.evaluate(Trainer.initialise(tinyGraph(), 1), test, 10).accuracy() > 1);
    }

    static Tensor preprocessed(Model m, ImageSet set, int i) {
        Tensor t = Tensor.zeros(28, 28, 1);
        for (int r = 0; r < 28; r++) for (int c = 0; c < 28; c++) t.data()[r * 28 + c] = m.input().preprocessing().apply(0, set.rawPixel(i, r, c));
        return t;
    }

    static float[] softmax(float[] z) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : z) max = Math.max(max, v);
        float[] p = new float[z.length];
        for (int k = 0; k < z.length; k++) sum += Math.exp(z[k] - max);
        for (int k = 0; k < z.length; k++) p[k] = (float) (Math.exp(z[k] - max) / sum);
        return p;
    }
}
