package io.edgefuse.engine.tf.train;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.data.ImageSet;
import java.util.Random;

/**
 * Trains, fine-tunes and evaluates models in our format on Fashion-MNIST-style image sets with
 * TensorFlow Java. The API the CLI and the pruner use:
 * <pre>
 * Model fresh   = Trainer.initialise(Zoo.graph("fmnist-vgg"), seed);        // He-initialised weights
 * Model trained = Trainer.train(fresh, trainSet, TrainConfig.defaults(), listener);
 * Evaluation e  = Trainer.evaluate(trained, testSet);                        // accuracy, loss
 * Model tuned   = Trainer.fineTune(pruned, trainSet, 1, 1e-4, listener);     // from the given weights
 * </pre>
 * Training always starts from the weights the model has (so fine-tuning is training) and returns a new
 * model with the same graph, trained weights and the batch norms' moving statistics; the input model is
 * not changed. Same seed and data with one TensorFlow thread: same weights, bit for bit (with more
 * threads TensorFlow may add partial sums in another order; see docs/training.md).
 */
public final class Trainer {
    private Trainer() {}

    /** Trains {@code model} (starting from its weights) on {@code set}. */
    public static Model train(Model model, ImageSet set, TrainConfig config, TrainingListener listener) {
        return train(model, set, config, listener, null);
    }

    /** As {@link #train(Model, ImageSet, TrainConfig, TrainingListener)}, distilling from a teacher (null: plain cross-entropy). */
    public static Model train(Model model, ImageSet set, TrainConfig config, TrainingListener listener, Distillation distill) {
        if (model.isGraphOnly()) throw new ModelException("model '" + model.name() + "' has no weights: start from Trainer.initialise(graph, seed)");
        Batches data = new Batches(model, set);
        int n = data.size();
        if (n == 0) throw new ModelException("the training set is empty");
        int batch = Math.min(config.batchSize(), n);
        int perEpoch = n / batch;
        long totalSteps = (long) perEpoch * config.epochs();
        Random random = new Random(config.seed());
        float[] x = new float[batch * Batches.PIXELS];
        float[] y = new float[batch * data.classes()];
        try (TrainingGraph g = new TrainingGraph(model, config, data.classes(), distill)) {
            listener.started(config.epochs(), perEpoch, batch);
            long step = 0;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                int[] order = Batches.shuffled(n, random);
                long t0 = System.nanoTime();
                double sum = 0;
                for (int b = 0; b < perEpoch; b++) {
                    data.fill(order, b * batch, batch, x, y, config.augment() ? random : null);
                    double loss = g.step(x, y, batch, config.learningRateAt(step++, totalSteps));
                    if (!Double.isFinite(loss)) {
                        throw new ModelException("training diverged: loss " + loss + " at epoch " + epoch + ", batch " + (b + 1) + "; try a lower learning rate");
                    }
                    sum += loss;
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    listener.batch(epoch, b + 1, loss, (b + 1) * (double) batch / Math.max(seconds, 1e-9));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                listener.epochEnded(epoch, sum / perEpoch, seconds, () -> model.withWeights(g.weights()));
            }
            return model.withWeights(g.weights());
        }
    }

    /** Fine-tuning: {@code epochs} epochs from the model's weights at a constant learning rate (Adam). */
    public static Model fineTune(Model model, ImageSet set, int epochs, double learningRate, TrainingListener listener) {
        return train(model, set, TrainConfig.fineTune(epochs, learningRate), listener);
    }

    /** Accuracy and mean cross-entropy of the model on the whole set (batches of 250, all cores). */
    public static Evaluation evaluate(Model model, ImageSet set) {
        return evaluate(model, set, set.size());
    }

    /** As {@link #evaluate(Model, ImageSet)} on the first {@code limit} images. */
    public static Evaluation evaluate(Model model, ImageSet set, int limit) {
        try (Evaluator e = new Evaluator(model, set, Runtime.getRuntime().availableProcessors())) {
            return e.evaluate(set, limit);
        }
    }

    /** The logits (the softmax's input) of images [from, from + count) of the set, count x classes. */
    public static float[][] logits(Model model, ImageSet set, int from, int count) {
        if (from < 0 || count < 0 || from + count > set.size()) {
            throw new IndexOutOfBoundsException("images [" + from + ", " + (from + count) + ") of a set of " + set.size());
        }
        try (Evaluator e = new Evaluator(model, set, Runtime.getRuntime().availableProcessors())) {
            return e.logits(from, count);
        }
    }

    /** The graph with fresh weights drawn from {@code seed}; see {@link Initialiser}. */
    public static Model initialise(Model graph, long seed) {
        return Initialiser.initialise(graph, seed);
    }
}
