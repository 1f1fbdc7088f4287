package io.edgefuse.runtime.cli;

import io.edgefuse.model.Model;
import java.io.PrintWriter;

/** Fine-tuning of a pruned model on the training images outside the validation part. */
final class Fine {
    private Fine() {}

    /** null when no fine-tuning was asked for. */
    static Fine of(int epochs, PruneData data, PruneOptions o, PrintWriter err) {
        if (epochs == 0) return null;
        throw new IllegalArgumentException("--finetune-epochs needs the trainer (io.edgefuse.engine.tf.train), which is not in this build yet");
    }

    Model tune(Model m, PrintWriter err) {
        return m;
    }
}
