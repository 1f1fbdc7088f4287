package io.edgefuse.runtime.cli;

import io.edgefuse.engine.tf.train.TrainConfig;
import io.edgefuse.engine.tf.train.Trainer;
import io.edgefuse.engine.tf.train.TrainingListener;
import io.edgefuse.model.Model;
import io.edgefuse.model.data.ImageSet;
import io.edgefuse.pruner.BatchNormFolding;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Fine-tuning of a pruned model with the trainer (Adam; learning rate and schedule from the prune options)
 * on the training images outside the validation part, with a progress line per epoch.
 */
final class Fine {
    private final int epochs;
    private final ImageSet set;
    private final TrainConfig config;

    private Fine(int epochs, ImageSet set, TrainConfig config) {
        this.epochs = epochs;
        this.set = set;
        this.config = config;
    }

    /** null when no fine-tuning was asked for. */
    static Fine of(int epochs, PruneData data, PruneOptions o) {
        if (epochs < 0) throw new IllegalArgumentException("--finetune-epochs must be >= 0, got " + epochs);
        if (!(o.finetuneLr > 0 && o.finetuneLr < 1)) throw new IllegalArgumentException("--finetune-lr must be in (0, 1), got " + o.finetuneLr);
        TrainConfig.Schedule schedule = switch (o.finetuneSchedule) {
            case "constant" -> TrainConfig.Schedule.CONSTANT;
            case "cosine" -> TrainConfig.Schedule.COSINE;
            default -> throw new IllegalArgumentException("--finetune-schedule is constant or cosine, got '" + o.finetuneSchedule + "'");
        };
        return epochs == 0 ? null : new Fine(epochs, data.fineTuning(), TrainConfig.fineTune(epochs, o.finetuneLr).withSchedule(schedule));
    }

    /**
     * The model fine-tuned, with its batch norms folded. The prune verbs pass the folded pruned model: training
     * the unfolded one (batch norms in training mode, {@code PruningLoop.Result.withBatchNorms()}) was no better
     * on the validation split (docs/pruning.md); a model with batch norms would be trained with them and folded.
     */
    Model tune(Model m, PrintWriter err) {
        err.printf(Locale.ROOT, "    fine-tuning %d epoch(s) on %d images (Adam, lr %.1e, %s) ...%n", epochs, set.size(), config.learningRate(),
                config.schedule().name().toLowerCase(Locale.ROOT));
        err.flush();
        return BatchNormFolding.fold(train(m, err));
    }

    private Model train(Model m, PrintWriter err) {
        return Trainer.train(m, set, config, new TrainingListener() {
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
