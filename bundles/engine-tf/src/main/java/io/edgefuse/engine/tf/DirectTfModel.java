package io.edgefuse.engine.tf;

import io.edgefuse.engine.tf.internal.CompiledGraph;
import io.edgefuse.engine.tf.internal.PlainGraphBuilder;
import io.edgefuse.engine.tf.internal.SessionConfig;
import io.edgefuse.model.Model;
import io.edgefuse.model.tensor.Tensor;

/**
 * A whole model as one plain TensorFlow graph (TF's own SAME/VALID padding, no tiles): the baseline for
 * the tile executor's whole-model overhead. Thread-safe; close it to free the session and graph.
 */
public final class DirectTfModel implements AutoCloseable {
    private final Model model;
    private final CompiledGraph graph;

    public DirectTfModel(Model model) {
        this(model, SessionConfig.defaultIntraOpThreads(), 1);
    }

    public DirectTfModel(Model model, int intraOpThreads, int interOpThreads) {
        this.model = model;
        this.graph = PlainGraphBuilder.build(model, SessionConfig.of(intraOpThreads, interOpThreads));
    }

    public Model model() {
        return model;
    }

    /** The model's output for one [H, W, C] input. */
    public Tensor run(Tensor input) {
        return graph.run(input);
    }

    @Override
    public void close() {
        graph.close();
    }
}
