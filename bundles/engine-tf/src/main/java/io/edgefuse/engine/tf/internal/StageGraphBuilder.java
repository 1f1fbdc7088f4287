package io.edgefuse.engine.tf.internal;

import io.edgefuse.engine.tf.WeightPolicy;
import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Shape;
import io.edgefuse.model.Window;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.StageGeometry;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Builds the graph that computes one tile of a stage. Every value carries the global region of the map
 * it holds. A windowed node crops its input to the rows and columns its output region needs (clipped
 * to the map), pads explicitly only by what falls off the real map, and runs VALID; so a tile computes
 * exactly the numbers the whole map would have at those positions.
 */
public final class StageGraphBuilder {

    /** An operand and the global region of the map it holds; region null for vectors. */
    private record Value(Operand<TFloat32> op, Region region) {}

    private final Model m;
    private final Stage stage;
    private final LayerOps ops;

    private StageGraphBuilder(Model m, Stage stage, LayerOps ops) {
        this.m = m;
        this.stage = stage;
        this.ops = ops;
    }

    /**
     * @param inputExtent global region held by the input (maps), null for a vector input
     * @param inputDims the input tensor's shape without batch
     * @param weights the hold on the model version's shared weight copies; the graph takes it over
     */
    public static CompiledGraph build(Model m, StageGeometry geo, Region inputExtent, int[] inputDims, ConfigProto config,
                                      WeightPolicy policy, SharedWeights.Lease weights) {
        Graph g = new Graph();
        FedWeights fed = FedWeights.on(g, policy, weights);
        try {
            StageGraphBuilder b = new StageGraphBuilder(m, geo.stage(), new LayerOps(g, fed));
            Operand<TFloat32> in = b.ops.placeholder(inputDims);
            Value out = b.nodes(geo, new Value(in, inputExtent));
            Shape outShape = m.shape(geo.stage().last());
            int[] outDims = out.region() == null ? outShape.dims() : new int[] {out.region().height(), out.region().width(), outShape.c()};
            return new CompiledGraph(g, config, in, inputDims, out.op(), outDims, fed);
        } catch (RuntimeException | Error e) {
            fed.close();
            g.close();
            throw e;
        }
    }

    private Value nodes(StageGeometry geo, Value input) {
        Value[] values = new Value[stage.size()];
        for (int i = stage.first(); i <= stage.last(); i++) {
            Region r = regionOf(geo, i);
            if (stage.tileable() && r == null) continue;
            Node n = m.node(i);
            List<Value> ins = new ArrayList<>();
            for (String x : n.inputs()) {
                int j = m.indexOf(x);
                ins.add(stage.contains(j) ? values[j - stage.first()] : input);
            }
            try {
                values[i - stage.first()] = new Value(node(i, ins, r), r);
            } catch (ModelException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ModelException("tf executor cannot build node '" + n.name() + "': " + e, e);
            }
        }
        return values[stage.size() - 1];
    }

    /** Non-tileable stages compute their maps whole. */
    private Region regionOf(StageGeometry geo, int i) {
        if (stage.tileable()) return geo.regionOf(i);
        Shape s = m.shape(i);
        return s.isMap() ? Region.full(s) : null;
    }

    private Operand<TFloat32> node(int i, List<Value> ins, Region r) {
        Node n = m.node(i);
        Op op = n.op();
        String p = n.name() + ".";
        Value x = ins.get(0);
        if (op instanceof Op.Conv2D || op instanceof Op.MaxPool || op instanceof Op.AvgPool) {
            Window w = m.window(i);
            Shape in = m.shapeOf(n.input());
            Region need = StageGeometry.inputRegion(w, r, in);
            Pads pads = offMapPads(w, r, need);
            Operand<TFloat32> xs = ops.crop(x.op(), x.region(), need);
            int h = need.height(), wd = need.width();
            if (op instanceof Op.Conv2D c) {
                return ops.conv2d(xs, h, wd, in.c(), c, m.weight(p + "weight"), c.bias() ? m.weight(p + "bias") : null, pads);
            }
            return op instanceof Op.MaxPool ? ops.maxPool(xs, h, wd, w, pads) : ops.avgPool(xs, h, wd, w, pads, r, in.h(), in.w());
        }
        if (op instanceof Op.Reorg rg) {
            Region need = StageGeometry.inputRegion(m.window(i), r, m.shapeOf(n.input()));
            return ops.reorg(ops.crop(x.op(), x.region(), need), rg.stride());
        }
        if (op instanceof Op.Add) return ops.add(cropAll(ins, r));
        if (op instanceof Op.Concat) return ops.concatChannels(cropAll(ins, r));
        if (op instanceof Op.BatchNorm bn) {
            return ops.batchNorm(cropTo(x, r), bn, m.weight(p + "gamma"), m.weight(p + "beta"), m.weight(p + "mean"), m.weight(p + "variance"));
        }
        if (op instanceof Op.Relu || op instanceof Op.Relu6 || op instanceof Op.LeakyRelu) return ops.activation(cropTo(x, r), op);
        if (op instanceof Op.GlobalAvgPool) return ops.globalAvgPool(x.op());
        if (op instanceof Op.Flatten) return ops.flatten(x.op(), m.shapeOf(n.input()).size());
        if (op instanceof Op.Dense d) {
            return ops.dense(x.op(), (int) m.shapeOf(n.input()).size(), d, m.weight(p + "weight"), d.bias() ? m.weight(p + "bias") : null);
        }
        if (op instanceof Op.Softmax) return ops.softmax(x.op());
        throw new ModelException("node '" + n.name() + "': the tf executor does not support " + op.name());
    }

    private Operand<TFloat32> cropTo(Value v, Region r) {
        return r == null ? v.op() : ops.crop(v.op(), v.region(), r);
    }

    private List<Operand<TFloat32>> cropAll(List<Value> vs, Region r) {
        List<Operand<TFloat32>> out = new ArrayList<>();
        for (Value v : vs) out.add(cropTo(v, r));
        return out;
    }

    /**
     * What the windows of output region {@code out} reach beyond the clipped input region {@code need}:
     * nonzero only where they fall off the real map.
     */
    static Pads offMapPads(Window w, Region out, Region need) {
        int top = need.top() - (out.top() * w.sh() - w.pt());
        int bottom = ((out.bottom() - 1) * w.sh() - w.pt() + w.kh()) - need.bottom();
        int left = need.left() - (out.left() * w.sw() - w.pl());
        int right = ((out.right() - 1) * w.sw() - w.pl() + w.kw()) - need.right();
        return new Pads(top, bottom, left, right);
    }
}
