package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Shape;
import io.edgefuse.model.Window;

/**
 * A conv2d or dense node seen as the linear map z_k = sum_j a_j w_jk + b_k over flattened input and
 * output. Every LRP rule for these layers is a choice of which part of a_j w_jk to keep, so visiting
 * the (j, k, w_jk) triples is all the rules need; conv and dense differ only in how they enumerate them.
 */
final class LinearLayer {

    interface EdgeVisitor {
        void visit(int in, int out, double w);
    }

    private final Model model;
    private final int nodeIndex;
    private final float[] weight;
    final double[] bias;
    final int inSize;
    final int outSize;
    /** Channels of the input map (1 for dense), so that channel = in % inChannels. */
    final int inChannels;

    LinearLayer(Model m, int nodeIndex) {
        this.model = m;
        this.nodeIndex = nodeIndex;
        Node n = m.node(nodeIndex);
        this.weight = m.weight(n.name() + ".weight").data();
        Shape in = m.shapeOf(n.input());
        this.inSize = (int) in.size();
        this.outSize = (int) m.shape(nodeIndex).size();
        this.inChannels = n.op() instanceof Op.Conv2D ? in.c() : 1;
        boolean hasBias = n.op() instanceof Op.Conv2D c ? c.bias() : ((Op.Dense) n.op()).bias();
        this.bias = new double[m.shape(nodeIndex).c()];
        if (hasBias) {
            float[] b = m.weight(n.name() + ".bias").data();
            for (int k = 0; k < b.length; k++) bias[k] = b[k];
        }
    }

    static boolean isLinear(Op op) {
        return op instanceof Op.Conv2D || op instanceof Op.Dense;
    }

    /** Bias of flat output k (conv biases repeat per position; the channel is the fastest index). */
    double biasOf(int out) {
        return bias[out % bias.length];
    }

    double[] apply(double[] a) {
        double[] z = new double[outSize];
        for (int k = 0; k < outSize; k++) z[k] = biasOf(k);
        forEach((j, k, w) -> z[k] += a[j] * w);
        return z;
    }

    void forEach(EdgeVisitor v) {
        Node n = model.node(nodeIndex);
        if (n.op() instanceof Op.Dense d) {
            int units = d.units();
            for (int j = 0; j < inSize; j++) {
                for (int u = 0; u < units; u++) v.visit(j, u, weight[j * units + u]);
            }
            return;
        }
        Op.Conv2D c = (Op.Conv2D) n.op();
        Window win = model.window(nodeIndex);
        Shape in = model.shapeOf(n.input()), out = model.shape(nodeIndex);
        int inH = in.h(), inW = in.w(), cin = in.c(), cout = c.filters();
        int cpg = cin / c.groups(), opg = cout / c.groups();
        for (int oy = 0; oy < out.h(); oy++) {
            for (int ox = 0; ox < out.w(); ox++) {
                int ob = (oy * out.w() + ox) * cout;
                for (int ky = 0; ky < win.kh(); ky++) {
                    int gy = oy * win.sh() - win.pt() + ky;
                    if (gy < 0 || gy >= inH) continue;
                    for (int kx = 0; kx < win.kw(); kx++) {
                        int gx = ox * win.sw() - win.pl() + kx;
                        if (gx < 0 || gx >= inW) continue;
                        int ib = (gy * inW + gx) * cin;
                        int wb = (ky * win.kw() + kx) * cpg * cout;
                        for (int g = 0; g < c.groups(); g++) {
                            for (int ci = 0; ci < cpg; ci++) {
                                int j = ib + g * cpg + ci, wr = wb + ci * cout + g * opg;
                                for (int o = 0; o < opg; o++) v.visit(j, ob + g * opg + o, weight[wr + o]);
                            }
                        }
                    }
                }
            }
        }
    }
}
