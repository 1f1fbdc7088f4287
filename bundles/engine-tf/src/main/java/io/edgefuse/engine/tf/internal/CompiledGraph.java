package io.edgefuse.engine.tf.internal;

import io.edgefuse.model.ModelException;
import io.edgefuse.model.tensor.Tensor;
import java.util.Arrays;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * A built graph with its session, one input and one output, plus the weight tensors fed with every run
 * (see {@link FedWeights}; the graph owns them). Sessions may be run from several threads at once; the
 * use count keeps a graph evicted from a cache open until its last run has finished.
 */
public final class CompiledGraph implements AutoCloseable {
    private final Graph graph;
    private final Session session;
    private final Operand<TFloat32> input;
    private final int[] inputDims;
    private final Operand<TFloat32> output;
    private final int[] outputDims;
    private final FedWeights fed;
    private int users;
    private boolean retired, closed;

    public CompiledGraph(Graph graph, ConfigProto config, Operand<TFloat32> input, int[] inputDims, Operand<TFloat32> output, int[] outputDims) {
        this(graph, config, input, inputDims, output, outputDims, FedWeights.NONE);
    }

    public CompiledGraph(Graph graph, ConfigProto config, Operand<TFloat32> input, int[] inputDims, Operand<TFloat32> output, int[] outputDims,
                         FedWeights fed) {
        this.graph = graph;
        this.fed = fed;
        this.session = new Session(graph, config);
        this.input = input;
        this.inputDims = inputDims.clone();
        this.output = output;
        this.outputDims = outputDims.clone();
    }

    public Tensor run(Tensor in) {
        if (!Arrays.equals(in.shape(), inputDims)) {
            throw new ModelException("input " + in + " does not match the graph's input " + Arrays.toString(inputDims));
        }
        if (!acquire()) throw new IllegalStateException("graph is closed");
        try (TFloat32 x = TfTensors.toTf(in);
             Result r = fed.feedAll(session.runner().feed(input, x)).fetch(output).run()) {
            return TfTensors.fromTf((TFloat32) r.get(0), outputDims);
        } finally {
            release();
        }
    }

    public int[] outputDims() {
        return outputDims.clone();
    }

    /** Registers a user; false when the graph has been retired and must not be used. */
    synchronized boolean acquire() {
        if (retired) return false;
        users++;
        return true;
    }

    synchronized void release() {
        users--;
        if (retired && users == 0) closeNow();
    }

    /** No new users; closes as soon as the current ones are done. */
    synchronized void retire() {
        retired = true;
        if (users == 0) closeNow();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    private void closeNow() {
        if (closed) return;
        closed = true;
        session.close();
        graph.close();
        fed.close();
    }

    @Override
    public void close() {
        retire();
    }
}
