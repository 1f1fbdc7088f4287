package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which conv filters must be removed together. Every channel of every tensor is traced back to the conv
 * filter that produced it (its origin); an add ties its inputs' origins position by position, so the
 * convs feeding one add (directly or through channel-preserving ops, depthwise convs with multiplier 1,
 * or earlier adds) form one group that loses the same filter indices. A group is not prunable when one
 * of its channels cannot be removed from a consumer (grouped conv, depthwise multiplier > 1, model
 * output, an add that mixes the model input or a concat) - the reason says which.
 */
public final class ChannelGroups {
    /** A unit of pruning: convs whose filter f is one channel; {@code ties} are the adds that tie them. */
    public record Group(List<String> convs, List<String> ties, int filters, boolean prunable, String reason) {
        /** Filter indices that may be removed (any subset but the whole: one filter must stay). */
        public List<Integer> removable() {
            if (!prunable) return List.of();
            List<Integer> r = new ArrayList<>();
            for (int f = 0; f < filters; f++) r.add(f);
            return r;
        }
    }

    /** Per channel of a tensor: index of the source conv (-1: not a prunable filter) and its filter. */
    record Origin(int[] source, int[] filter) {
        int channels() {
            return source.length;
        }
    }

    private final List<String> sources = new ArrayList<>();
    private final Map<String, Integer> sourceIndex = new HashMap<>();
    private final Map<String, Origin> origins = new HashMap<>();
    private final int[] parent;
    private final String[] blocked;
    private final List<List<String>> ties = new ArrayList<>();
    private final Map<String, Group> byConv = new LinkedHashMap<>();

    private ChannelGroups(Model m) {
        for (Node n : m.nodes()) {
            if (n.op() instanceof Op.Conv2D c && c.groups() == 1) {
                sourceIndex.put(n.name(), sources.size());
                sources.add(n.name());
            }
        }
        parent = new int[sources.size()];
        blocked = new String[sources.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
            ties.add(new ArrayList<>());
        }
        origins.put(m.input().name(), unprunable(m.input().shape().c()));
        for (int i = 0; i < m.size(); i++) origins.put(m.node(i).name(), trace(m.node(i), m.shape(i)));
        block(origins.get(m.output()), "its channels reach the model output '" + m.output() + "'");
        collect(m);
    }

    public static ChannelGroups of(Model m) {
        return new ChannelGroups(m);
    }

    /** Every group of convs with groups == 1, in model order of their first conv. */
    public List<Group> groups() {
        List<Group> r = new ArrayList<>();
        for (Group g : byConv.values()) if (!r.contains(g)) r.add(g);
        return r;
    }

    /** The group of a conv; an error for a node that is not a conv with groups == 1. */
    public Group groupOf(String conv) {
        Group g = byConv.get(conv);
        if (g == null) throw new ModelException("'" + conv + "' is not a prunable unit (only convs with groups == 1 own filters; depthwise convs follow their producer)");
        return g;
    }

    Origin originOf(String tensor) {
        return origins.get(tensor);
    }

    String source(int index) {
        return sources.get(index);
    }

    private Origin trace(Node n, Shape out) {
        Op op = n.op();
        Origin in = origins.get(n.input());
        if (op instanceof Op.Conv2D c) {
            int cin = in.channels();
            if (c.groups() == 1) {
                int s = sourceIndex.get(n.name());
                int[] src = new int[c.filters()], f = new int[c.filters()];
                Arrays.fill(src, s);
                for (int k = 0; k < f.length; k++) f[k] = k;
                return new Origin(src, f);
            }
            if (c.groups() == cin && c.filters() == cin) return in;
            String why = c.groups() == cin ? "depthwise conv '" + n.name() + "' has multiplier " + c.filters() / cin : "grouped conv '" + n.name() + "' (groups " + c.groups() + ")";
            block(in, "it feeds " + why + ", whose input channels are not removed");
            return unprunable(c.filters());
        }
        if (op instanceof Op.Add) {
            tie(n);
            return in;
        }
        if (op instanceof Op.Concat) {
            List<int[]> src = new ArrayList<>(), f = new ArrayList<>();
            for (String x : n.inputs()) {
                src.add(origins.get(x).source());
                f.add(origins.get(x).filter());
            }
            return new Origin(cat(src), cat(f));
        }
        if (op instanceof Op.Reorg r) {
            int c = in.channels(), blocks = r.stride() * r.stride();
            int[] src = new int[c * blocks], f = new int[c * blocks];
            // Output channel (dy * s + dx) * C + c carries input channel c.
            for (int b = 0; b < blocks; b++) {
                System.arraycopy(in.source(), 0, src, b * c, c);
                System.arraycopy(in.filter(), 0, f, b * c, c);
            }
            return new Origin(src, f);
        }
        if (op instanceof Op.Flatten) {
            int c = in.channels(), size = (int) out.size();
            int[] src = new int[size], f = new int[size];
            // Row (h * W + w) * C + c of the flattened vector is channel c.
            for (int k = 0; k < size; k++) {
                src[k] = in.source()[k % c];
                f[k] = in.filter()[k % c];
            }
            return new Origin(src, f);
        }
        if (op instanceof Op.Dense d) return unprunable(d.units());
        // relu, relu6, leaky_relu, batchnorm, pools, global_avgpool, softmax keep channel c at c.
        return in;
    }

    private void tie(Node add) {
        Integer first = null;
        for (String x : add.inputs()) {
            Origin o = origins.get(x);
            Integer s = aligned(o);
            if (s == null) {
                for (String y : add.inputs()) block(origins.get(y), "add '" + add.name() + "' reads '" + x + "', which is not the unchanged output of one conv (model input, concat, dense or grouped conv)");
                continue;
            }
            int r = find(s);
            if (!ties.get(r).contains(add.name())) ties.get(r).add(add.name());
            if (first == null) first = s;
            else union(first, s);
        }
    }

    /** The single source whose filter k sits at channel k, or null. */
    private static Integer aligned(Origin o) {
        int s = o.source()[0];
        if (s < 0) return null;
        for (int k = 0; k < o.channels(); k++) {
            if (o.source()[k] != s || o.filter()[k] != k) return null;
        }
        return s;
    }

    private void block(Origin o, String reason) {
        for (int s : o.source()) {
            if (s < 0) continue;
            int r = find(s);
            if (blocked[r] == null) blocked[r] = "'" + sources.get(s) + "': " + reason;
        }
    }

    private int find(int s) {
        while (parent[s] != s) s = parent[s] = parent[parent[s]];
        return s;
    }

    private void union(int a, int b) {
        int ra = find(a), rb = find(b);
        if (ra == rb) return;
        parent[rb] = ra;
        if (blocked[ra] == null) blocked[ra] = blocked[rb];
        for (String t : ties.get(rb)) if (!ties.get(ra).contains(t)) ties.get(ra).add(t);
    }

    private void collect(Model m) {
        Map<Integer, List<String>> members = new LinkedHashMap<>();
        for (int s = 0; s < sources.size(); s++) members.computeIfAbsent(find(s), k -> new ArrayList<>()).add(sources.get(s));
        for (Map.Entry<Integer, List<String>> e : members.entrySet()) {
            int r = e.getKey();
            Op.Conv2D c = (Op.Conv2D) m.node(m.indexOf(e.getValue().get(0))).op();
            String reason = blocked[r];
            if (reason == null && c.filters() < 2) reason = "a single filter cannot be removed";
            Group g = new Group(List.copyOf(e.getValue()), List.copyOf(ties.get(r)), c.filters(), reason == null, reason);
            for (String conv : e.getValue()) byConv.put(conv, g);
        }
    }

    private static Origin unprunable(int channels) {
        int[] src = new int[channels];
        Arrays.fill(src, -1);
        return new Origin(src, new int[channels]);
    }

    private static int[] cat(List<int[]> parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] r = new int[n];
        int o = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, r, o, p.length);
            o += p.length;
        }
        return r;
    }
}
