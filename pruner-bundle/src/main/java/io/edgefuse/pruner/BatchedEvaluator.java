package io.edgefuse.pruner;

import io.edgefuse.engine.tf.train.Trainer;
import io.edgefuse.model.Model;
import io.edgefuse.model.data.ImageSet;

/** Evaluates with TensorFlow in batches (the trainer's evaluator: the model's plain graph, all cores). */
public final class BatchedEvaluator implements Evaluator {
    private final ImageSet set;

    public BatchedEvaluator(ImageSet set) {
        if (set.size() == 0) throw new IllegalArgumentException("no images to evaluate on");
        this.set = set;
    }

    @Override
    public Evaluation evaluate(Model m) {
        io.edgefuse.engine.tf.train.Evaluation e = Trainer.evaluate(m, set);
        return new Evaluation(e.accuracy(), e.loss(), e.images());
    }

    public int size() {
        return set.size();
    }
}
