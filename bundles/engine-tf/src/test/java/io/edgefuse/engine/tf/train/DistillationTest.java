package io.edgefuse.engine.tf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.data.ImageSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Distillation on a few batches of real Fashion-MNIST images with the trainer test's tiny net. */
class DistillationTest {
    static ImageSet train, test;

    @BeforeAll
    static void data() {
        TrainerTest.data();
        train = TrainerTest.train;
        test = TrainerTest.test;
    }

    /** The tiny net without its batch norm, so that a student equal to its teacher computes the same logits in training. */
    static Model withoutBatchNorm() {
        Model g = TrainerTest.tinyGraph();
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.op() instanceof Op.BatchNorm) continue;
            nodes.add(n.name().equals("relu1") ? Node.of("relu1", new Op.Relu(), "conv1") : n);
        }
        return Model.graphOnly("tiny-nobn", g.input(), g.labels(), nodes, "softmax");
    }

    private static List<Double> losses(Model student, TrainConfig cfg, Distillation d, Model[] out) {
        List<Double> losses = new ArrayList<>();
        out[0] = Trainer.train(student, train, cfg, new TrainingListener() {
            @Override
            public void batch(int epoch, int batch, double loss, double imagesPerSecond) {
                losses.add(loss);
            }
        }, d);
        return losses;
    }

    @Test
    void aStudentEqualToItsTeacherHasZeroSoftLoss() {
        Model teacher = Trainer.train(Trainer.initialise(withoutBatchNorm(), 3), train, TrainerTest.quick(), TrainingListener.NONE);
        Model[] out = new Model[1];
        // alpha 1: only the soft term; no weight decay. The first batch is scored before its update: KL(p || p) = 0.
        List<Double> l = losses(teacher, TrainerTest.quick().withEpochs(1).withWeightDecay(0), new Distillation(teacher, 1, 4), out);
        assertEquals(0, l.get(0), 1e-4, "first soft loss " + l.get(0));
        // alpha 0: the plain cross-entropy, as without a teacher.
        List<Double> hard = losses(teacher, TrainerTest.quick().withEpochs(1).withWeightDecay(0), new Distillation(teacher, 0, 4), out);
        List<Double> plain = losses(teacher, TrainerTest.quick().withEpochs(1).withWeightDecay(0), null, out);
        assertEquals(plain.get(0), hard.get(0), 1e-5);
        assertTrue(plain.get(0) > 0.05, "plain loss " + plain.get(0));
    }

    @Test
    void aStudentLearnsTheClassesFromTheTeacherAloneAndTheSoftLossFalls() {
        Model teacher = Trainer.train(Trainer.initialise(TrainerTest.tinyGraph(), 5), train, TrainerTest.quick(), TrainingListener.NONE);
        Evaluation te = Trainer.evaluate(teacher, test);
        Model start = Trainer.initialise(TrainerTest.tinyGraph(), 9);
        Model[] out = new Model[1];
        // alpha 1: the labels play no part, everything the student learns comes from the teacher's soft outputs.
        List<Double> l = losses(start, TrainerTest.quick().withWeightDecay(0), new Distillation(teacher, 1, 4), out);
        int n = l.size();
        double first = (l.get(0) + l.get(1) + l.get(2)) / 3, last = (l.get(n - 1) + l.get(n - 2) + l.get(n - 3)) / 3;
        assertTrue(last < 0.5 * first, "soft loss " + first + " -> " + last);
        Evaluation before = Trainer.evaluate(start, test), after = Trainer.evaluate(out[0], test);
        assertTrue(after.accuracy() > before.accuracy() + 0.2 && after.accuracy() > te.accuracy() - 0.15,
                "student " + before.accuracy() + " -> " + after.accuracy() + ", teacher " + te.accuracy());
    }

    @Test
    void refusesABadTeacherOrWeight() {
        Model student = Trainer.initialise(TrainerTest.tinyGraph(), 1);
        assertThrows(IllegalArgumentException.class, () -> new Distillation(student, 1.5, 4));
        assertThrows(IllegalArgumentException.class, () -> new Distillation(student, 0.7, 0));
        assertThrows(ModelException.class, () -> Distillation.from(TrainerTest.tinyGraph()));
        Model rgb = Trainer.initialise(Model.graphOnly("rgb", InputSpec.of(28, 28, 3), List.of(),
                List.of(Node.of("gap", new Op.GlobalAvgPool(), "input"), Node.of("fc", new Op.Dense(10, true), "gap")), "fc"), 1);
        ModelException e = assertThrows(ModelException.class,
                () -> Trainer.train(student, train, TrainerTest.quick().withEpochs(1), TrainingListener.NONE, Distillation.from(rgb)));
        assertTrue(e.getMessage().contains("teacher"), e.getMessage());
    }
}
