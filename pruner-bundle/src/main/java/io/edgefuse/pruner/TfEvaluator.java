package io.edgefuse.pruner;

import io.edgefuse.engine.tf.DirectTfModel;
import io.edgefuse.model.Model;
import io.edgefuse.model.Op;
import io.edgefuse.model.tensor.Tensor;
import java.util.List;

/**
 * Evaluates with TensorFlow: the whole model as one graph, built once per evaluated model and run on
 * every sample.
 */
public final class TfEvaluator implements Evaluator {
    private final List<Sample> samples;
    private final int threads;

    /** @param threads TensorFlow intra-op threads */
    public TfEvaluator(List<Sample> samples, int threads) {
        if (samples.isEmpty()) throw new IllegalArgumentException("no samples to evaluate on");
        this.samples = List.copyOf(samples);
        this.threads = threads;
    }

    @Override
    public Evaluation evaluate(Model m) {
        boolean softmax = m.node(m.indexOf(m.output())).op() instanceof Op.Softmax;
        Evaluation.Tally t = new Evaluation.Tally(softmax);
        try (DirectTfModel g = new DirectTfModel(m, threads, 1)) {
            for (Sample s : samples) {
                Tensor out = g.run(s.input());
                t.add(out.data(), 0, out.size(), s.label());
            }
        }
        return t.result();
    }

    public int size() {
        return samples.size();
    }
}
