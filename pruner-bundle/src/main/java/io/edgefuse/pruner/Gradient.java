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
 * Gradient of the cross-entropy loss of one sample with respect to every node's output, by plain
 * backpropagation in double precision over the activations of {@link Forward}. The loss is
 * -log softmax(logits)[label], with the logits being the softmax's input (or the model output when the
 * model has no softmax), so the gradient at the logits is softmax(logits) - onehot(label).
 */
final class Gradient {
    /** Activations and gradients of every node output (and of the input), by name. */
    record Result(Map<String, double[]> activations, Map<String, double[]> gradients, double loss) {}

    private Gradient() {}

    static Result of(Model m, Tensor input, int label) {
        int start = m.indexOf(m.output());
        if (m.node(start).op() instanceof Op.Softmax) start = m.indexOf(m.node(start).input());
        if (start < 0) throw new ModelException("model '" + m.name() + "' has no layer before its softmax");
        String logitsNode = m.node(start).name();
        Map<String, double[]> act = Forward.run(m, input, start);
        double[] z = act.get(logitsNode);
        if (label < 0 || label >= z.length) throw new IllegalArgumentException("class " + label + " out of range: '" + logitsNode + "' has " + z.length + " outputs");
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : z) max = Math.max(max, v);
        double[] g0 = new double[z.length];
        for (int k = 0; k < z.length; k++) sum += g0[k] = Math.exp(z[k] - max);
        for (int k = 0; k < z.length; k++) g0[k] /= sum;
        double loss = -Math.log(Math.max(g0[label], 1e-300));
        g0[label] -= 1;
        Map<String, double[]> grad = new HashMap<>();
        grad.put(logitsNode, g0);
        for (int i = start; i >= 0; i--) {
            double[] g = grad.get(m.node(i).name());
            if (g != null) backward(m, i, act, g, grad);
        }
        return new Result(act, grad, loss);
    }

    private static void backward(Model m, int i, Map<String, double[]> act, double[] g, Map<String, double[]> grad) {
        Node n = m.node(i);
        Op op = n.op();
        String inName = n.input();
        double[] a = act.get(inName);
        Shape in = m.shapeOf(inName), out = m.shape(i);
        double[] back = new double[a == null ? 0 : a.length];
        if (LinearLayer.isLinear(op)) {
            System.arraycopy(new LinearLayer(m, i).transpose(g), 0, back, 0, back.length);
        } else if (op instanceof Op.Relu) {
            for (int k = 0; k < a.length; k++) back[k] = a[k] > 0 ? g[k] : 0;
        } else if (op instanceof Op.Relu6) {
            for (int k = 0; k < a.length; k++) back[k] = a[k] > 0 && a[k] < 6 ? g[k] : 0;
        } else if (op instanceof Op.LeakyRelu lr) {
            for (int k = 0; k < a.length; k++) back[k] = a[k] >= 0 ? g[k] : lr.alpha() * g[k];
        } else if (op instanceof Op.Flatten) {
            System.arraycopy(g, 0, back, 0, g.length);
        } else if (op instanceof Op.BatchNorm bn) {
            double[] scale = Forward.batchNorm(m, n, bn)[0];
            for (int k = 0; k < a.length; k++) back[k] = g[k] * scale[k % scale.length];
        } else if (op instanceof Op.MaxPool) {
            // A max pool's gradient goes to each window's winner: the same routing as LRP's winner-take-all.
            System.arraycopy(Lrp.maxPoolWinner(m, i, a, g), 0, back, 0, back.length);
        } else if (op instanceof Op.AvgPool) {
            int c = in.c();
            PoolWindows.forEach(m.window(i), in, out, (p, src, count) -> {
                for (int k = 0; k < c; k++) {
                    for (int t = 0; t < count; t++) back[src[t] * c + k] += g[p * c + k] / count;
                }
            });
        } else if (op instanceof Op.GlobalAvgPool) {
            int c = in.c(), hw = in.h() * in.w();
            for (int k = 0; k < a.length; k++) back[k] = g[k % c] / hw;
        } else if (op instanceof Op.Add) {
            for (String x : n.inputs()) accumulate(grad, x, g);
            return;
        } else if (op instanceof Op.Concat) {
            int off = 0, oc = out.c(), area = out.h() * out.w();
            for (String x : n.inputs()) {
                int pc = m.shapeOf(x).c();
                double[] part = new double[area * pc];
                for (int p = 0; p < area; p++) System.arraycopy(g, p * oc + off, part, p * pc, pc);
                accumulate(grad, x, part);
                off += pc;
            }
            return;
        } else if (op instanceof Op.Reorg rg) {
            int[] src = PoolWindows.reorgSource(in, out, rg.stride());
            for (int k = 0; k < src.length; k++) back[src[k]] += g[k];
        } else {
            throw new ModelException("no gradient for " + op.name() + " at node '" + n.name() + "' (a softmax must be the model's last node)");
        }
        accumulate(grad, inName, back);
    }

    private static void accumulate(Map<String, double[]> grad, String name, double[] g) {
        double[] cur = grad.get(name);
        if (cur == null) {
            grad.put(name, g.clone());
        } else {
            for (int k = 0; k < g.length; k++) cur[k] += g[k];
        }
    }

    /** Channel sums of a * g over the positions of a node's output: d loss / d (a per-channel gate at 1). */
    static double[] gateGradient(Model m, Result r, String node) {
        int c = m.shapeOf(node).c();
        double[] a = r.activations().get(node), g = r.gradients().get(node);
        double[] s = new double[c];
        if (a == null || g == null) return s;
        for (int k = 0; k < a.length; k++) s[k % c] += a[k] * g[k];
        return s;
    }
}
