package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Op;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.tensor.Tensor;
import java.util.List;

/**
 * Evaluates with the pure-Java reference executor, one sample at a time: slow, exact, no native code.
 * For small sets (tests, a few hundred samples); the CLI evaluates with TensorFlow in batches.
 */
public final class JavaEvaluator implements Evaluator {
    private final List<Sample> samples;
    private final JavaExecutor exec = new JavaExecutor();

    public JavaEvaluator(List<Sample> samples) {
        if (samples.isEmpty()) throw new IllegalArgumentException("no samples to evaluate on");
        this.samples = List.copyOf(samples);
    }

    @Override
    public Evaluation evaluate(Model m) {
        boolean softmax = m.node(m.indexOf(m.output())).op() instanceof Op.Softmax;
        Evaluation.Tally t = new Evaluation.Tally(softmax);
        for (Sample s : samples) {
            Tensor out = exec.runWhole(m, s.input());
            t.add(out.data(), 0, out.size(), s.label());
        }
        return t.result();
    }
}
