package io.edgefuse.engine.tf.train;

import io.edgefuse.engine.tf.internal.LayerOps;
import io.edgefuse.engine.tf.internal.PlainGraphBuilder;
import io.edgefuse.engine.tf.internal.SessionConfig;
import io.edgefuse.model.Model;
import io.edgefuse.model.data.ImageSet;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Inference in batches: the model's plain graph (weights as constants, batch norm with its stored
 * statistics, exactly as the tf executor computes it) over a batch placeholder, fetching the logits.
 */
final class Evaluator implements AutoCloseable {
    static final int BATCH = 250;

    private final Graph graph = new Graph();
    private final Session session;
    private final Operand<TFloat32> x, logits;
    private final Batches data;
    private final int classes;

    Evaluator(Model model, ImageSet set, int threads) {
        try {
            data = new Batches(model, set);
            classes = data.classes();
            LayerOps ops = new LayerOps(graph);
            x = ops.batchPlaceholder(model.input().shape().dims());
            logits = PlainGraphBuilder.forward(model, ops, x, (i, ins) -> null).get(TrainingGraph.logitsNode(model));
            session = new Session(graph, SessionConfig.of(threads, 1));
        } catch (RuntimeException | Error e) {
            graph.close();
            throw e;
        }
    }

    /** Logits of images [from, from + count) of the set, count x classes. */
    float[][] logits(int from, int count) {
        float[][] out = new float[count][];
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int start = 0; start < count; start += BATCH) {
            int n = Math.min(BATCH, count - start);
            float[] xb = new float[n * Batches.PIXELS];
            float[] yb = new float[n * classes];
            data.fill(order, from + start, n, xb, yb, null);
            try (TFloat32 in = TFloat32.tensorOf(Shape.of(n, Batches.H, Batches.W, 1), DataBuffers.of(xb, true, false));
                 Result r = session.runner().feed(x, in).fetch(logits).run()) {
                float[] flat = new float[n * classes];
                ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(flat);
                for (int b = 0; b < n; b++) {
                    out[start + b] = new float[classes];
                    System.arraycopy(flat, b * classes, out[start + b], 0, classes);
                }
            }
        }
        return out;
    }

    /** Accuracy and mean cross-entropy over images [0, limit) of the set. */
    Evaluation evaluate(ImageSet set, int limit) {
        int n = Math.min(limit, set.size());
        int correct = 0;
        double lossSum = 0;
        for (int start = 0; start < n; start += BATCH) {
            int count = Math.min(BATCH, n - start);
            float[][] z = logits(start, count);
            for (int b = 0; b < count; b++) {
                int label = set.label(start + b);
                int best = 0;
                double max = z[b][0];
                for (int k = 1; k < classes; k++) {
                    if (z[b][k] > max) {
                        max = z[b][k];
                        best = k;
                    }
                }
                double sum = 0;
                for (int k = 0; k < classes; k++) sum += Math.exp(z[b][k] - max);
                lossSum += Math.log(sum) + max - z[b][label];
                if (best == label) correct++;
            }
        }
        return new Evaluation(n == 0 ? 0 : correct / (double) n, n == 0 ? 0 : lossSum / n, n);
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
