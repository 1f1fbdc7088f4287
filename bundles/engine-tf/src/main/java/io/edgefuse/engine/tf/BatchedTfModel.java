package io.edgefuse.engine.tf;

import io.edgefuse.engine.tf.internal.LayerOps;
import io.edgefuse.engine.tf.internal.PlainGraphBuilder;
import io.edgefuse.engine.tf.internal.SessionConfig;
import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * A whole model as one plain TensorFlow graph over a batch of inputs ([N, H, W, C], any N): the model's
 * output for many images per session run, for throughput measurements. Close it to free the graph.
 */
public final class BatchedTfModel implements AutoCloseable {
    private final Model model;
    private final Graph graph = new Graph();
    private final Session session;
    private final Operand<TFloat32> input, output;
    private final int inSize, outSize;

    public BatchedTfModel(Model model, int intraOpThreads) {
        this.model = model;
        try {
            LayerOps ops = new LayerOps(graph);
            int[] dims = model.input().shape().dims();
            input = ops.batchPlaceholder(dims);
            output = PlainGraphBuilder.forward(model, ops, input, (i, ins) -> null).get(model.output());
            session = new Session(graph, SessionConfig.of(intraOpThreads, 1));
        } catch (RuntimeException | Error e) {
            graph.close();
            throw e;
        }
        inSize = (int) model.input().shape().size();
        outSize = (int) model.outputShape().size();
    }

    public Model model() {
        return model;
    }

    /** Outputs of {@code n} inputs stored one after the other in {@code x} (n x H x W x C floats), n x output size. */
    public float[] run(float[] x, int n) {
        if (n < 1 || x.length != (long) n * inSize) throw new ModelException("a batch of " + n + " inputs needs " + (long) n * inSize + " floats, got " + x.length);
        int[] d = model.input().shape().dims();
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(n, d[0], d[1], d[2]), DataBuffers.of(x, true, false));
             Result r = session.runner().feed(input, in).fetch(output).run()) {
            float[] out = new float[n * outSize];
            ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(out);
            return out;
        }
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
