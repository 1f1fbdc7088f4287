package io.edgefuse.runtime.cli;

import io.edgefuse.engine.tf.train.Distillation;
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
    private final Distillation distill;

    private Fine(int epochs, ImageSet set, TrainConfig config, Distillation distill) {
        this.epochs = epochs;
        this.set = set;
        this.config = config;
        this.distill = distill;
    }

    /**
     * null when no fine-tuning was asked for.
     *
     * @param original the unpruned model, the teacher with --distill-from-original
     */
    static Fine of(int epochs, PruneData data, PruneOptions o, Model original) {
        check(epochs, o);
        TrainConfig.Schedule schedule = o.finetuneSchedule.equals("constant") ? TrainConfig.Schedule.CONSTANT : TrainConfig.Schedule.COSINE;
        if (epochs == 0) return null;
        TrainConfig cfg = TrainConfig.fineTune(epochs, o.finetuneLr).withSchedule(schedule).withWeightDecay(o.finetuneWeightDecay);
        return new Fine(epochs, data.fineTuning(), cfg, o.distill ? new Distillation(original, o.distillAlpha, o.distillTemperature) : null);
    }

    /** The fine-tuning options' errors, before any data is read. */
    static void check(int epochs, PruneOptions o) {
        if (epochs < 0) throw new IllegalArgumentException("--finetune-epochs must be >= 0, got " + epochs);
        if (!(o.finetuneLr > 0 && o.finetuneLr < 1)) throw new IllegalArgumentException("--finetune-lr must be in (0, 1), got " + o.finetuneLr);
        if (!(o.finetuneWeightDecay >= 0 && o.finetuneWeightDecay < 1)) {
            throw new IllegalArgumentException("--finetune-weight-decay must be in [0, 1), got " + o.finetuneWeightDecay);
        }
        if (!(o.distillAlpha >= 0 && o.distillAlpha <= 1)) throw new IllegalArgumentException("--distill-alpha must be in [0, 1], got " + o.distillAlpha);
        if (!(o.distillTemperature > 0 && o.distillTemperature < 1000)) {
            throw new IllegalArgumentException("--distill-temperature must be in (0, 1000), got " + o.distillTemperature);
        }
        if (!o.finetuneSchedule.equals("constant") && !o.finetuneSchedule.equals("cosine")) {
            throw new IllegalArgumentException("--finetune-schedule is constant or cosine, got '" + o.finetuneSchedule + "'");
        }
    }

    /**
     * The model fine-tuned, with its batch norms folded. The prune verbs pass the folded pruned model: training
     * the unfolded one (batch norms in training mode, {@code PruningLoop.Result.withBatchNorms()}) was no better
     * on the validation split (docs/pruning.md); a model with batch norms would be trained with them and folded.
     */
    Model tune(Model m, PrintWriter err) {
        err.printf(Locale.ROOT, "    fine-tuning %d epoch(s) on %d images (%s) ...%n", epochs, set.size(), describe());
        err.flush();
        return BatchNormFolding.fold(train(m, err));
    }

    /** The recipe, for logs and reports. */
    String describe() {
        return String.format(Locale.ROOT, "Adam, lr %.1e, %s, weight decay %.1e%s", config.learningRate(), config.schedule().name().toLowerCase(Locale.ROOT),
                config.weightDecay(), distill == null ? "" : String.format(Locale.ROOT, ", distilled from the original (alpha %.2f, T %.1f)",
                        distill.alpha(), distill.temperature()));
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
        }, distill);
    }
}
