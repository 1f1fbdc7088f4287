package io.edgefuse.engine.tf.internal;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.Shape;
import io.edgefuse.model.Window;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The whole model as one graph written the ordinary way: TensorFlow's own SAME and VALID padding (or
 * explicit padding where the model has it), no cropping, no regions. The baseline the tile executor's
 * overhead is measured against, and (through {@link #forward}) the forward pass of the batched
 * evaluator and of the trainer.
 */
public final class PlainGraphBuilder {
    private PlainGraphBuilder() {}

    /** Lets a caller build some nodes its own way (the trainer's batch norm); null means "the usual op". */
    @FunctionalInterface
    public interface NodeOverride {
        Operand<TFloat32> build(int nodeIndex, List<Operand<TFloat32>> inputs);
    }

    public static CompiledGraph build(Model m, ConfigProto config) {
        Graph g = new Graph();
        try {
            LayerOps ops = new LayerOps(g);
            int[] inDims = m.input().shape().dims();
            Operand<TFloat32> in = ops.placeholder(inDims);
            Map<String, Operand<TFloat32>> values = forward(m, ops, in, (i, ins) -> null);
            return new CompiledGraph(g, config, in, inDims, values.get(m.output()), m.outputShape().dims());
        } catch (RuntimeException | Error e) {
            g.close();
            throw e;
        }
    }

    /** Every node's output (and the input's) by name, for an input operand of any batch size. */
    public static Map<String, Operand<TFloat32>> forward(Model m, LayerOps ops, Operand<TFloat32> in, NodeOverride override) {
        Map<String, Operand<TFloat32>> values = new HashMap<>();
        values.put(m.input().name(), in);
        for (int i = 0; i < m.size(); i++) {
            Node n = m.node(i);
            List<Operand<TFloat32>> ins = new ArrayList<>();
            for (String x : n.inputs()) ins.add(values.get(x));
            Operand<TFloat32> y = override.build(i, ins);
            values.put(n.name(), y != null ? y : node(m, i, ops, ins));
        }
        return values;
    }

    private static Operand<TFloat32> node(Model m, int i, LayerOps ops, List<Operand<TFloat32>> ins) {
        Node n = m.node(i);
        Op op = n.op();
        String p = n.name() + ".";
        Operand<TFloat32> x = ins.get(0);
        Shape in = m.shapeOf(n.input());
        Window w = m.window(i);
        Pads explicit = w == null ? Pads.NONE : new Pads(w.pt(), w.pb(), w.pl(), w.pr());
        if (op instanceof Op.Conv2D c) {
            Tensor wt = m.weight(p + "weight"), bias = c.bias() ? m.weight(p + "bias") : null;
            String mode = mode(c.padding());
            return mode != null ? ops.conv2d(x, in.c(), c, wt, bias, mode) : ops.conv2d(x, in.h(), in.w(), in.c(), c, wt, bias, explicit);
        }
        if (op instanceof Op.MaxPool mp) {
            String mode = mode(mp.padding());
            return mode != null ? ops.maxPool(x, w, mode) : ops.maxPool(x, in.h(), in.w(), w, explicit);
        }
        if (op instanceof Op.AvgPool ap) {
            String mode = mode(ap.padding());
            return mode != null ? ops.avgPool(x, w, mode) : ops.avgPool(x, in.h(), in.w(), w, explicit, Region.full(m.shape(i)), in.h(), in.w());
        }
        if (op instanceof Op.Reorg rg) return ops.reorg(x, rg.stride());
        if (op instanceof Op.Add) return ops.add(ins);
        if (op instanceof Op.Concat) return ops.concatChannels(ins);
        if (op instanceof Op.BatchNorm bn) {
            return ops.batchNorm(x, bn, m.weight(p + "gamma"), m.weight(p + "beta"), m.weight(p + "mean"), m.weight(p + "variance"));
        }
        if (op instanceof Op.Relu || op instanceof Op.Relu6 || op instanceof Op.LeakyRelu) return ops.activation(x, op);
        if (op instanceof Op.GlobalAvgPool) return ops.globalAvgPool(x);
        if (op instanceof Op.Flatten) return ops.flatten(x, in.size());
        if (op instanceof Op.Dense d) return ops.dense(x, (int) in.size(), d, m.weight(p + "weight"), d.bias() ? m.weight(p + "bias") : null);
        if (op instanceof Op.Softmax) return ops.softmax(x);
        throw new ModelException("node '" + n.name() + "': no TensorFlow mapping for " + op.name());
    }

    /** TF's own padding mode for the model's padding; null for explicit padding. */
    private static String mode(Padding p) {
        if (p.same()) return LayerOps.SAME;
        return p.equals(Padding.VALID) ? LayerOps.VALID : null;
    }
}
