package io.edgefuse.engine.tf.train;

import io.edgefuse.model.Model;
import java.util.function.Supplier;

/** Progress of a training run; every method has an empty default. Called on the training thread. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {};

    default void started(int epochs, int batchesPerEpoch, int batchSize) {}

    /**
     * After each step.
     *
     * @param epoch          1-based
     * @param batch          1-based within the epoch
     * @param loss           the step's loss (cross-entropy plus weight decay)
     * @param imagesPerSecond training throughput since the epoch started
     */
    default void batch(int epoch, int batch, double loss, double imagesPerSecond) {}

    /**
     * After each epoch. {@code current} gives the model as it stands (weights and batch-norm statistics
     * copied out of TensorFlow on demand), e.g. to evaluate it on a test set.
     */
    default void epochEnded(int epoch, double meanLoss, double seconds, Supplier<Model> current) {}
}
