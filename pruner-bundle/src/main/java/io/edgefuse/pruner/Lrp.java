package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Preprocessing;
import io.edgefuse.model.Shape;
import io.edgefuse.model.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Layer-wise Relevance Propagation over an EdgeFuse model: one forward pass that keeps every activation,
 * then one backward pass from the true class's logit to the input. The rules are those of
 * ARCHITECTURE.md ("Pruning: the LRP rules in one place"); docs/pruning.md records the choices made
 * where it leaves room.
 *
 * <p>Fold batch norms first ({@link BatchNormFolding#fold}): a batch norm left between a conv and its
 * ReLU is handled as a per-channel linear map with the epsilon rule, which is correct for that map but
 * lets z+ see the conv's unscaled weights.
 */
public final class Lrp {
    private Lrp() {}

    /**
     * Relevance of every node for one input. The start is the output of the node before the softmax (or
     * the model output if it is not a softmax), flattened: relevance 1 at {@code trueClass}, 0 elsewhere,
     * or with {@link LrpConfig.Start#CONTRASTIVE} that minus the softmax of those logits.
     *
     * @param m a model, ideally after {@link BatchNormFolding#fold}
     */
    public static Relevance relevance(Model m, Tensor input, int trueClass, LrpConfig cfg) {
        int start = m.indexOf(m.output());
        if (m.node(start).op() instanceof Op.Softmax) start = m.indexOf(m.node(start).input());
        if (start < 0) throw new ModelException("model '" + m.name() + "' has no layer before its softmax");
        String startName = m.node(start).name();
        Map<String, double[]> act = Forward.run(m, input, start);
        double[] logits = act.get(startName);
        if (trueClass < 0 || trueClass >= logits.length) {
            throw new IllegalArgumentException("class " + trueClass + " out of range: '" + startName + "' has " + logits.length + " outputs");
        }
        Map<String, double[]> rel = new HashMap<>();
        double[] r0 = new double[logits.length];
        r0[trueClass] = 1;
        if (cfg.start() == LrpConfig.Start.CONTRASTIVE) {
            double[] p = Forward.softmax(logits);
            for (int k = 0; k < r0.length; k++) r0[k] -= p[k];
        }
        rel.put(startName, r0);
        Map<String, Integer> convIndex = new HashMap<>();
        for (Node n : m.nodes()) if (n.op() instanceof Op.Conv2D) convIndex.put(n.name(), convIndex.size());
        for (int i = start; i >= 0; i--) {
            Node n = m.node(i);
            double[] r = rel.get(n.name());
            if (r == null) continue;
            try {
                backward(m, i, act, r, cfg, rel, convIndex);
            } catch (RuntimeException e) {
                throw new ModelException("LRP failed at node '" + n.name() + "' (" + n.op().name() + "): " + e.getMessage(), e);
            }
        }
        return new Relevance(m, rel, startName, trueClass, logits[trueClass]);
    }

    private static void backward(Model m, int i, Map<String, double[]> act, double[] r, LrpConfig cfg, Map<String, double[]> rel,
            Map<String, Integer> convIndex) {
        Node n = m.node(i);
        Op op = n.op();
        String inName = n.input();
        double[] a = act.get(inName);
        Shape in = m.shapeOf(inName), out = m.shape(i);
        if (op instanceof Op.Dense) {
            accumulate(rel, inName, epsilonRule(new LinearLayer(m, i), a, r, cfg.epsilon()));
        } else if (op instanceof Op.Conv2D) {
            boolean first = inName.equals(m.input().name());
            Op producer = first ? null : m.node(m.indexOf(inName)).op();
            boolean readsPool = producer instanceof Op.MaxPool || producer instanceof Op.AvgPool;
            LrpConfig.ConvRule rule = first ? cfg.firstConv() : cfg.hiddenRule(convIndex.get(n.name()), convIndex.size(), readsPool);
            accumulate(rel, inName, convRule(m, i, a, r, rule, cfg));
        } else if (op instanceof Op.Relu || op instanceof Op.Relu6 || op instanceof Op.LeakyRelu || op instanceof Op.Flatten) {
            // Activations: relevance is attributed to the linear layer below, not to the non-linearity.
            accumulate(rel, inName, r);
        } else if (op instanceof Op.BatchNorm bn) {
            accumulate(rel, inName, batchNorm(m, n, bn, a, r, cfg.epsilon()));
        } else if (op instanceof Op.MaxPool) {
            accumulate(rel, inName, cfg.maxPool() == LrpConfig.MaxPoolRule.WINNER_TAKE_ALL
                    ? maxPoolWinner(m, i, a, r) : poolProportional(m, i, a, r, cfg.stabiliser()));
        } else if (op instanceof Op.AvgPool) {
            accumulate(rel, inName, poolProportional(m, i, a, r, cfg.stabiliser()));
        } else if (op instanceof Op.GlobalAvgPool) {
            accumulate(rel, inName, globalPool(in, a, r, cfg.stabiliser()));
        } else if (op instanceof Op.Add) {
            add(n.inputs(), act, act.get(n.name()), r, cfg.stabiliser(), rel);
        } else if (op instanceof Op.Concat) {
            concat(m, n.inputs(), out, r, rel);
        } else if (op instanceof Op.Reorg rg) {
            int[] src = PoolWindows.reorgSource(in, out, rg.stride());
            double[] back = new double[a.length];
            for (int k = 0; k < src.length; k++) back[src[k]] += r[k];
            accumulate(rel, inName, back);
        } else {
            throw new ModelException("no LRP rule for " + op.name() + " (a softmax must be the model's last node)");
        }
    }

    static double stabilise(double z, double e) {
        return z + (z >= 0 ? e : -e);
    }

    /** R_j = sum_k a_j w_jk / (z_k + eps sign z_k) * R_k, with the bias inside z_k (it absorbs its share). */
    private static double[] epsilonRule(LinearLayer l, double[] a, double[] r, double eps) {
        double[] z = l.apply(a);
        double[] s = new double[z.length];
        for (int k = 0; k < z.length; k++) s[k] = r[k] / stabilise(z[k], eps);
        double[] back = l.transpose(s);
        for (int j = 0; j < back.length; j++) back[j] *= a[j];
        return back;
    }

    private static double[] convRule(Model m, int i, double[] a, double[] r, LrpConfig.ConvRule rule, LrpConfig cfg) {
        LinearLayer l = new LinearLayer(m, i);
        switch (rule) {
            case EPSILON:
                return epsilonRule(l, a, r, cfg.epsilon());
            case Z_PLUS: {
                // alpha1-beta0 on contributions: equals a * w+ for a >= 0 (inputs after a ReLU).
                double[] z = l.positiveSum(a);
                double[] s = new double[z.length];
                for (int k = 0; k < z.length; k++) s[k] = r[k] / stabilise(z[k], cfg.stabiliser());
                return l.positiveBack(a, s);
            }
            case ALPHA2_BETA1: {
                double[] zp = l.positiveSum(a), zn = l.negativeSum(a);
                double[] sp = new double[zp.length], sn = new double[zn.length];
                for (int k = 0; k < zp.length; k++) {
                    sp[k] = 2 * r[k] / stabilise(zp[k], cfg.stabiliser());
                    // zn <= 0: stabilised away from 0 on its own side; with no negative contribution the term is 0.
                    sn[k] = -r[k] / stabilise(zn[k], cfg.stabiliser());
                }
                double[] back = l.positiveBack(a, sp), neg = l.negativeBack(a, sn);
                for (int j = 0; j < back.length; j++) back[j] += neg[j];
                return back;
            }
            case Z_B:
                double[][] b = inputBounds(m.input().preprocessing());
                int c = l.inChannels;
                return proportionalLinear(l, r, cfg.stabiliser(), (j, w) -> {
                    double lo = b[0][j % c], hi = b[1][j % c];
                    return a[j] * w - lo * Math.max(w, 0) - hi * Math.min(w, 0);
                });
            default:
                throw new IllegalStateException(rule.toString());
        }
    }

    private interface Contribution {
        double of(int in, double w);
    }

    /** R_j = sum_k c_jk / (sum_j' c_j'k) * R_k for a rule-specific contribution c (bias ignored). */
    private static double[] proportionalLinear(LinearLayer l, double[] r, double stab, Contribution c) {
        double[] z = new double[l.outSize];
        l.forEach((j, k, w) -> z[k] += c.of(j, w));
        double[] s = new double[z.length];
        for (int k = 0; k < z.length; k++) s[k] = r[k] / stabilise(z[k], stab);
        double[] back = new double[l.inSize];
        l.forEach((j, k, w) -> back[j] += c.of(j, w) * s[k]);
        return back;
    }

    /**
     * Pixel bounds after preprocessing: x = (p * scale - mean) / std with p in [0, 255], so l = (0 - mean) / std
     * and h = (255 * scale - mean) / std, which is ARCHITECTURE.md's (1 - mean) / std for scale = 1/255.
     */
    static double[][] inputBounds(Preprocessing p) {
        double[] mean = p.mean(), std = p.std();
        double[] lo = new double[mean.length], hi = new double[mean.length];
        for (int c = 0; c < mean.length; c++) {
            lo[c] = (0 - mean[c]) / std[c];
            hi[c] = (255 * p.scale() - mean[c]) / std[c];
        }
        return new double[][] {lo, hi};
    }

    /** An unfolded batch norm y = s x + t per channel: epsilon rule, so t absorbs its share like a bias. */
    private static double[] batchNorm(Model m, Node n, Op.BatchNorm bn, double[] a, double[] r, double eps) {
        double[][] st = Forward.batchNorm(m, n, bn);
        int c = st[0].length;
        double[] back = new double[a.length];
        for (int k = 0; k < a.length; k++) {
            double y = a[k] * st[0][k % c] + st[1][k % c];
            back[k] = a[k] * st[0][k % c] / stabilise(y, eps) * r[k];
        }
        return back;
    }

    /** Routes {@code r} of each pooled position to the input that won its window (also the max pool's gradient). */
    static double[] maxPoolWinner(Model m, int i, double[] a, double[] r) {
        Shape in = m.shapeOf(m.node(i).input()), out = m.shape(i);
        int c = in.c();
        double[] back = new double[a.length];
        PoolWindows.forEach(m.window(i), in, out, (p, src, count) -> {
            for (int k = 0; k < c; k++) {
                int best = -1;
                for (int t = 0; t < count; t++) {
                    int idx = src[t] * c + k;
                    if (best < 0 || a[idx] > a[best]) best = idx;
                }
                if (best >= 0) back[best] += r[p * c + k];
            }
        });
        return back;
    }

    /** R_i = a_i / sum(window) * R per window, accumulated over overlapping windows. */
    private static double[] poolProportional(Model m, int i, double[] a, double[] r, double stab) {
        Shape in = m.shapeOf(m.node(i).input()), out = m.shape(i);
        int c = in.c();
        double[] back = new double[a.length];
        PoolWindows.forEach(m.window(i), in, out, (p, src, count) -> {
            for (int k = 0; k < c; k++) {
                double sum = 0;
                for (int t = 0; t < count; t++) sum += a[src[t] * c + k];
                double s = r[p * c + k] / stabilise(sum, stab);
                for (int t = 0; t < count; t++) back[src[t] * c + k] += a[src[t] * c + k] * s;
            }
        });
        return back;
    }

    private static double[] globalPool(Shape in, double[] a, double[] r, double stab) {
        int c = in.c(), hw = in.h() * in.w();
        double[] sum = new double[c];
        for (int p = 0; p < hw; p++) {
            for (int k = 0; k < c; k++) sum[k] += a[p * c + k];
        }
        double[] back = new double[a.length];
        for (int p = 0; p < hw; p++) {
            for (int k = 0; k < c; k++) back[p * c + k] = a[p * c + k] / stabilise(sum[k], stab) * r[k];
        }
        return back;
    }

    /** z = x + y + ...: each input gets R * x / z (stabilised), its share of the sum. */
    private static void add(List<String> inputs, Map<String, double[]> act, double[] z, double[] r, double stab, Map<String, double[]> rel) {
        double[] s = new double[z.length];
        for (int k = 0; k < z.length; k++) s[k] = r[k] / stabilise(z[k], stab);
        for (String x : inputs) {
            double[] v = act.get(x);
            double[] back = new double[v.length];
            for (int k = 0; k < v.length; k++) back[k] = v[k] * s[k];
            accumulate(rel, x, back);
        }
    }

    private static void concat(Model m, List<String> inputs, Shape out, double[] r, Map<String, double[]> rel) {
        int off = 0, oc = out.c(), area = out.h() * out.w();
        for (String x : inputs) {
            int pc = m.shapeOf(x).c();
            double[] back = new double[area * pc];
            for (int p = 0; p < area; p++) System.arraycopy(r, p * oc + off, back, p * pc, pc);
            accumulate(rel, x, back);
            off += pc;
        }
    }

    /** A tensor read by several nodes (a residual skip) gets the sum of what each reader sends back. */
    private static void accumulate(Map<String, double[]> rel, String name, double[] r) {
        double[] cur = rel.get(name);
        if (cur == null) {
            rel.put(name, r.clone());
        } else {
            for (int k = 0; k < r.length; k++) cur[k] += r[k];
        }
    }
}
