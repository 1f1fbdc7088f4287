package io.edgefuse.runtime.cli;

import io.edgefuse.engine.tf.train.Trainer;
import io.edgefuse.engine.tf.train.TrainingListener;
import io.edgefuse.model.Model;
import io.edgefuse.model.data.ImageSet;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Fine-tuning of a pruned model with the trainer (Adam, constant learning rate) on the training images
 * outside the validation part, with a progress line per epoch.
 */
final class Fine {
    /** Adam's rate for fine-tuning: a tenth of the training default, so a few epochs repair rather than retrain. */
    static final double LEARNING_RATE = 1e-4;

    private final int epochs;
    private final ImageSet set;

    private Fine(int epochs, ImageSet set) {
        this.epochs = epochs;
        this.set = set;
    }

    /** null when no fine-tuning was asked for. */
    static Fine of(int epochs, PruneData data) {
        if (epochs < 0) throw new IllegalArgumentException("--finetune-epochs must be >= 0, got " + epochs);
        return epochs == 0 ? null : new Fine(epochs, data.fineTuning());
    }

    Model tune(Model m, PrintWriter err) {
        err.printf("    fine-tuning %d epoch(s) on %d images ...%n", epochs, set.size());
        err.flush();
        return Trainer.fineTune(m, set, epochs, LEARNING_RATE, new TrainingListener() {
            private long last = System.nanoTime();

            @Override
            public void batch(int epoch, int batch, double loss, double imagesPerSecond) {
                if (System.nanoTime() - last > 30_000_000_000L) {
                    last = System.nanoTime();
                    err.printf(Locale.ROOT, "      epoch %d, batch %d: loss %.4f, %.0f images/s%n", epoch, batch, loss, imagesPerSecond);
                    err.flush();
                }
            }

            @Override
            public void epochEnded(int epoch, double meanLoss, double seconds, Supplier<Model> current) {
                err.printf(Locale.ROOT, "      epoch %d done: mean loss %.4f, %.0f s%n", epoch, meanLoss, seconds);
                err.flush();
            }
        });
    }
}
