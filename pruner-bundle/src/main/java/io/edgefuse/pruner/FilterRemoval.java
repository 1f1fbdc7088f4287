package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes conv filters for real: the returned model is smaller and dense (no masks, which would give
 * no speed-up). A channel of any tensor survives unless the filter it came from (see
 * {@link ChannelGroups}) is removed, so every consumer - conv input slices, depthwise filters, batch
 * norm entries, dense rows after flatten or global average pooling, concat offsets, reorg blocks - is
 * sliced with the same rule.
 */
public final class FilterRemoval {
    private FilterRemoval() {}

    /**
     * A new model without the given filters. A request for one conv of a residual group applies to the
     * whole group; two members with different sets are rejected, naming the add that ties them.
     */
    public static Model remove(Model m, Map<String, Set<Integer>> filtersByConv) {
        ChannelGroups groups = ChannelGroups.of(m);
        Map<String, Set<Integer>> removed = expand(groups, filtersByConv);
        Map<String, int[]> kept = new HashMap<>();
        kept.put(m.input().name(), kept(groups, groups.originOf(m.input().name()), removed));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        for (Node n : m.nodes()) {
            int[] out = kept(groups, groups.originOf(n.name()), removed);
            kept.put(n.name(), out);
            nodes.add(rewrite(m, n, kept.get(n.input()), out, kept, weights));
        }
        return new Model(m.name(), m.input(), m.labels(), nodes, m.output(), weights);
    }

    static Map<String, Set<Integer>> expand(ChannelGroups groups, Map<String, Set<Integer>> request) {
        Map<String, Set<Integer>> r = new HashMap<>();
        Map<String, String> askedBy = new HashMap<>();
        for (Map.Entry<String, Set<Integer>> e : request.entrySet()) {
            if (e.getValue().isEmpty()) continue;
            ChannelGroups.Group g = groups.groupOf(e.getKey());
            if (!g.prunable()) throw new ModelException("cannot remove filters of '" + e.getKey() + "': " + g.reason());
            Set<Integer> set = new TreeSet<>(e.getValue());
            for (int f : set) {
                if (f < 0 || f >= g.filters()) throw new ModelException("conv '" + e.getKey() + "' has no filter " + f + " (it has " + g.filters() + ")");
            }
            if (set.size() == g.filters()) throw new ModelException("cannot remove all " + g.filters() + " filters of conv '" + e.getKey() + "': at least one must stay");
            for (String member : g.convs()) {
                Set<Integer> prev = r.get(member);
                if (prev != null && !prev.equals(set)) {
                    throw new ModelException("inconsistent removal across add " + g.ties() + ": '" + askedBy.get(member) + "' asks " + prev + " but '" + e.getKey() + "' asks " + set + "; the convs " + g.convs() + " must lose the same filters");
                }
                r.put(member, set);
                askedBy.put(member, e.getKey());
            }
        }
        return r;
    }

    static int[] kept(ChannelGroups groups, ChannelGroups.Origin o, Map<String, Set<Integer>> removed) {
        int[] k = new int[o.channels()];
        int n = 0;
        for (int c = 0; c < o.channels(); c++) {
            int s = o.source()[c];
            Set<Integer> gone = s < 0 ? null : removed.get(groups.source(s));
            if (gone == null || !gone.contains(o.filter()[c])) k[n++] = c;
        }
        return Arrays.copyOf(k, n);
    }

    private static Node rewrite(Model m, Node n, int[] in, int[] out, Map<String, int[]> kept, Map<String, Tensor> weights) {
        String p = n.name();
        if (n.op() instanceof Op.Conv2D c) {
            Tensor w = m.weight(p + ".weight");
            int cin = m.shapeOf(n.input()).c();
            boolean depthwise = c.groups() == cin && c.filters() == cin && c.groups() > 1;
            if (c.groups() > 1 && !depthwise && in.length != cin) {
                throw new ModelException("grouped conv '" + p + "' lost input channels; ChannelGroups should have blocked its producer");
            }
            int[] inSel = c.groups() == 1 ? in : all(w.dim(2));
            weights.put(p + ".weight", sliceHwio(w, inSel, out));
            if (c.bias()) weights.put(p + ".bias", slice(m.weight(p + ".bias"), out));
            int groups = depthwise ? out.length : c.groups();
            return new Node(p, new Op.Conv2D(c.kh(), c.kw(), c.sh(), c.sw(), c.padding(), out.length, groups, c.bias()), n.inputs());
        }
        if (n.op() instanceof Op.BatchNorm) {
            for (String k : List.of(".gamma", ".beta", ".mean", ".variance")) weights.put(p + k, slice(m.weight(p + k), out));
        } else if (n.op() instanceof Op.Dense d) {
            weights.put(p + ".weight", sliceRows(m.weight(p + ".weight"), in));
            if (d.bias()) weights.put(p + ".bias", m.weight(p + ".bias"));
        } else if (n.op() instanceof Op.Add) {
            for (String x : n.inputs()) {
                if (!Arrays.equals(kept.get(x), in)) {
                    throw new ModelException("add '" + p + "': inputs '" + n.input() + "' and '" + x + "' would keep different channels");
                }
            }
        }
        return n;
    }

    /** HWIO weight restricted to the given input and output channels. */
    private static Tensor sliceHwio(Tensor w, int[] inSel, int[] outSel) {
        int kh = w.dim(0), kw = w.dim(1), ci = w.dim(2), co = w.dim(3);
        float[] src = w.data(), dst = new float[kh * kw * inSel.length * outSel.length];
        int k = 0;
        for (int y = 0; y < kh * kw; y++) {
            for (int i : inSel) {
                int base = (y * ci + i) * co;
                for (int o : outSel) dst[k++] = src[base + o];
            }
        }
        return new Tensor(new int[] {kh, kw, inSel.length, outSel.length}, dst);
    }

    private static Tensor sliceRows(Tensor w, int[] rows) {
        int cols = w.dim(1);
        float[] dst = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) System.arraycopy(w.data(), rows[r] * cols, dst, r * cols, cols);
        return new Tensor(new int[] {rows.length, cols}, dst);
    }

    private static Tensor slice(Tensor v, int[] sel) {
        float[] dst = new float[sel.length];
        for (int k = 0; k < sel.length; k++) dst[k] = v.data()[sel[k]];
        return new Tensor(new int[] {sel.length}, dst);
    }

    private static int[] all(int n) {
        int[] r = new int[n];
        for (int k = 0; k < n; k++) r[k] = k;
        return r;
    }
}
