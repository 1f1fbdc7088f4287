package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Shape;
import io.edgefuse.model.tensor.Tensor;
import java.util.HashMap;

import java.util.Map;

/**
 * The forward pass LRP needs: every node's output, flattened, in double precision (so that the
 * conservation and gradient checks measure the rules, not float rounding). Same conventions as
 * JavaExecutor; ForwardTest holds the two together.
 */
final class Forward {
    private Forward() {}

    /** Outputs of the input and of nodes 0..last, by name. */
    static Map<String, double[]> run(Model m, Tensor input, int last) {
        Map<String, double[]> act = start(m, input);
        for (int i = 0; i <= last; i++) {
            Node n = m.node(i);
            act.put(n.name(), node(m, i, act));
        }
        return act;
    }

    /** A map holding only the input, as double; checked against the model's input shape. */
    static Map<String, double[]> start(Model m, Tensor input) {
        if (!input.asShape().equals(m.input().shape())) {
            throw new ModelException("input " + input.asShape() + " does not match the model's " + m.input().shape());
        }
        Map<String, double[]> act = new HashMap<>();
        double[] x = new double[input.size()];
        for (int k = 0; k < x.length; k++) x[k] = input.data()[k];
        act.put(m.input().name(), x);
        return act;
    }

    /** Output of node i from the outputs of its inputs in {@code act}. */
    static double[] node(Model m, int i, Map<String, double[]> act) {
        Node n = m.node(i);
        Op op = n.op();
        double[] a = act.get(n.input());
        Shape in = m.shapeOf(n.input()), out = m.shape(i);
        if (LinearLayer.isLinear(op)) return new LinearLayer(m, i).apply(a);
        if (op instanceof Op.Relu) return map(a, v -> Math.max(v, 0));
        if (op instanceof Op.Relu6) return map(a, v -> Math.min(Math.max(v, 0), 6));
        if (op instanceof Op.LeakyRelu lr) return map(a, v -> v >= 0 ? v : lr.alpha() * v);
        if (op instanceof Op.Flatten) return a.clone();
        if (op instanceof Op.BatchNorm bn) {
            double[][] st = batchNorm(m, n, bn);
            double[] o = new double[a.length];
            int c = out.c();
            for (int k = 0; k < o.length; k++) o[k] = a[k] * st[0][k % c] + st[1][k % c];
            return o;
        }
        if (op instanceof Op.MaxPool || op instanceof Op.AvgPool) {
            boolean max = op instanceof Op.MaxPool;
            int c = in.c();
            double[] o = new double[(int) out.size()];
            PoolWindows.forEach(m.window(i), in, out, (p, src, count) -> {
                for (int k = 0; k < c; k++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int t = 0; t < count; t++) acc = max ? Math.max(acc, a[src[t] * c + k]) : acc + a[src[t] * c + k];
                    o[p * c + k] = count == 0 ? 0 : max ? acc : acc / count;
                }
            });
            return o;
        }
        if (op instanceof Op.GlobalAvgPool) {
            int c = in.c(), hw = in.h() * in.w();
            double[] o = new double[c];
            for (int p = 0; p < hw; p++) {
                for (int k = 0; k < c; k++) o[k] += a[p * c + k];
            }
            for (int k = 0; k < c; k++) o[k] /= hw;
            return o;
        }
        if (op instanceof Op.Add) {
            double[] o = new double[a.length];
            for (String x : n.inputs()) {
                double[] v = act.get(x);
                for (int k = 0; k < o.length; k++) o[k] += v[k];
            }
            return o;
        }
        if (op instanceof Op.Concat) {
            double[] o = new double[(int) out.size()];
            int off = 0, oc = out.c(), area = out.h() * out.w();
            for (String x : n.inputs()) {
                double[] v = act.get(x);
                int pc = m.shapeOf(x).c();
                for (int p = 0; p < area; p++) System.arraycopy(v, p * pc, o, p * oc + off, pc);
                off += pc;
            }
            return o;
        }
        if (op instanceof Op.Reorg rg) {
            int[] src = PoolWindows.reorgSource(in, out, rg.stride());
            double[] o = new double[src.length];
            for (int k = 0; k < o.length; k++) o[k] = a[src[k]];
            return o;
        }
        if (op instanceof Op.Softmax) return softmax(a);
        throw new ModelException("LRP forward: unsupported op " + op.name() + " at node '" + n.name() + "'");
    }

    /** Per-channel scale and shift of an inference batch norm. */
    static double[][] batchNorm(Model m, Node n, Op.BatchNorm bn) {
        float[] g = m.weight(n.name() + ".gamma").data(), b = m.weight(n.name() + ".beta").data();
        float[] mu = m.weight(n.name() + ".mean").data(), var = m.weight(n.name() + ".variance").data();
        double[] scale = new double[g.length], shift = new double[g.length];
        for (int k = 0; k < g.length; k++) {
            scale[k] = g[k] / Math.sqrt(var[k] + bn.epsilon());
            shift[k] = b[k] - mu[k] * scale[k];
        }
        return new double[][] {scale, shift};
    }

    private static double[] map(double[] a, java.util.function.DoubleUnaryOperator f) {
        double[] o = new double[a.length];
        for (int k = 0; k < a.length; k++) o[k] = f.applyAsDouble(a[k]);
        return o;
    }

    /** Softmax of {@code z}, shifted by its maximum so that exp cannot overflow. */
    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : z) max = Math.max(max, v);
        double[] p = new double[z.length];
        for (int k = 0; k < z.length; k++) sum += p[k] = Math.exp(z[k] - max);
        for (int k = 0; k < z.length; k++) p[k] /= sum;
        return p;
    }
}
