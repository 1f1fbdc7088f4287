package io.edgefuse.engine.tf.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.edgefuse.model.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@value #FILE} next to model.json: how a model was trained and how well it did, so a shipped model
 * says how to reproduce it. Not part of the model's version (only model.json and the weights are).
 *
 * @param arch          zoo architecture (or the model's name when it did not come from the zoo)
 * @param command       the command line that produced it
 * @param seed          initialisation, shuffling and augmentation seed
 * @param epochs        epochs trained
 * @param batchSize     images per step
 * @param learningRate  peak learning rate
 * @param optimizer     ADAM or SGD
 * @param schedule      COSINE or CONSTANT
 * @param weightDecay   L2 factor
 * @param augment       whether flips and shifts were used
 * @param trainImages   training images used
 * @param threads       TensorFlow intra-op threads
 * @param wallSeconds   training time (without the final evaluation)
 * @param testAccuracy  accuracy on the test set, 0..1
 * @param testLoss      mean cross-entropy on the test set
 * @param testImages    test images scored
 * @param history       per epoch: mean training loss, seconds, and test accuracy if it was measured
 * @param modelVersion  the model's version (SHA-256 of its two files)
 */
public record TrainingRecord(String arch, String command, long seed, int epochs, int batchSize, double learningRate,
                             String optimizer, String schedule, double weightDecay, boolean augment, int trainImages,
                             int threads, double wallSeconds, double testAccuracy, double testLoss, int testImages,
                             List<Epoch> history, String modelVersion) {

    public static final String FILE = "training.json";

    /** One epoch; testAccuracy and testLoss are null when the run did not evaluate after each epoch. */
    public record Epoch(int epoch, double trainLoss, double seconds, Double testAccuracy, Double testLoss) {}

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TrainingRecord {
        history = List.copyOf(history);
    }

    /** Writes {@value #FILE} into the folder (atomically: temporary file, then rename). */
    public void write(Path folder) {
        try {
            Files.createDirectories(folder);
            Path tmp = folder.resolve(FILE + ".tmp");
            MAPPER.writeValue(tmp.toFile(), this);
            Files.move(tmp, folder.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ModelException("cannot write " + folder.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** The record in a model folder, or null when it has none. */
    public static TrainingRecord read(Path folder) {
        Path f = folder.resolve(FILE);
        if (!Files.isRegularFile(f)) return null;
        try {
            return MAPPER.readValue(f.toFile(), TrainingRecord.class);
        } catch (IOException e) {
            throw new ModelException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }
}
