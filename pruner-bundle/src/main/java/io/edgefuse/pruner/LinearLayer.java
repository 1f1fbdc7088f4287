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
        float[] w = weight;
        forEachRun((j, ob, wb, n) -> {
            double aj = a[j];
            if (aj == 0) return; // common after a ReLU
            for (int o = 0; o < n; o++) z[ob + o] += aj * w[wb + o];
        });
        return z;
    }

    /** z_k = sum_j max(a_j w_jk, 0): the z+ denominator (no bias). */
    double[] positiveSum(double[] a) {
        return partSum(a, true);
    }

    /** z_k = sum_j min(a_j w_jk, 0): the denominator of alpha-beta's negative part (no bias). */
    double[] negativeSum(double[] a) {
        return partSum(a, false);
    }

    /** back_j = sum_k max(a_j w_jk, 0) s_k: z+ redistribution. */
    double[] positiveBack(double[] a, double[] s) {
        return partBack(a, s, true);
    }

    /** back_j = sum_k min(a_j w_jk, 0) s_k. */
    double[] negativeBack(double[] a, double[] s) {
        return partBack(a, s, false);
    }

    private double[] partSum(double[] a, boolean positive) {
        double[] z = new double[outSize];
        float[] w = weight;
        forEachRun((j, ob, wb, n) -> {
            double aj = a[j];
            if (aj == 0) return;
            if (positive) {
                for (int o = 0; o < n; o++) z[ob + o] += Math.max(aj * w[wb + o], 0);
            } else {
                for (int o = 0; o < n; o++) z[ob + o] += Math.min(aj * w[wb + o], 0);
            }
        });
        return z;
    }

    private double[] partBack(double[] a, double[] s, boolean positive) {
        double[] back = new double[inSize];
        float[] w = weight;
        forEachRun((j, ob, wb, n) -> {
            double aj = a[j];
            if (aj == 0) return;
            double acc = 0;
            if (positive) {
                for (int o = 0; o < n; o++) acc += Math.max(aj * w[wb + o], 0) * s[ob + o];
            } else {
                for (int o = 0; o < n; o++) acc += Math.min(aj * w[wb + o], 0) * s[ob + o];
            }
            back[j] += acc;
        });
        return back;
    }

    /** back_j = sum_k w_jk s_k (the transpose; times a_j it is the epsilon rule's redistribution). */
    double[] transpose(double[] s) {
        double[] back = new double[inSize];
        float[] w = weight;
        forEachRun((j, ob, wb, n) -> {
            double acc = 0;
            for (int o = 0; o < n; o++) acc += w[wb + o] * s[ob + o];
            back[j] += acc;
        });
        return back;
    }

    /** A run of consecutive outputs ob..ob+n-1 that input j reaches with weights w[wb..wb+n-1]. */
    private interface RunVisitor {
        void visit(int in, int outBase, int weightBase, int n);
    }

    /**
     * Same edges as {@link #forEach}, in runs that share an input: the inner loops over output channels are
     * plain array loops the JIT can unroll and vectorise, instead of one call per edge.
     */
    private void forEachRun(RunVisitor v) {
        Node n = model.node(nodeIndex);
        if (n.op() instanceof Op.Dense d) {
            int units = d.units();
            for (int j = 0; j < inSize; j++) v.visit(j, 0, j * units, units);
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
                            for (int ci = 0; ci < cpg; ci++) v.visit(ib + g * cpg + ci, ob + g * opg, wb + ci * cout + g * opg, opg);
                        }
                    }
                }
            }
        }
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
