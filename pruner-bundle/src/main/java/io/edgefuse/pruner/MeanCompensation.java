package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mean replacement (Evci et al., "Mean Replacement Pruning", 2018): a removed filter's channel does not
 * read as zero to the layers after it but as its average. Every conv (groups 1) and dense layer that reads
 * a removed channel - through ReLUs, pools, flatten, adds, concats - gets that channel's mean contribution
 * added to its bias, so the next layer's pre-activations keep their average. The means come from the
 * reference samples; nothing is trained. Without it, removing a filter also removes the constant part of
 * its output (after batch-norm folding, its bias), which shifts every later layer.
 */
public final class MeanCompensation {
    private MeanCompensation() {}

    /** Mean over the samples of the input and of every node's output, by name. */
    public static Map<String, double[]> means(Model m, List<Sample> samples) {
        if (samples.isEmpty()) throw new IllegalArgumentException("no reference samples");
        List<Map<String, double[]>> parts = samples.parallelStream().map(s -> Forward.run(m, s.input(), m.size() - 1)).toList();
        Map<String, double[]> sum = new HashMap<>();
        for (Map<String, double[]> p : parts) {
            for (Map.Entry<String, double[]> e : p.entrySet()) {
                double[] acc = sum.computeIfAbsent(e.getKey(), k -> new double[e.getValue().length]);
                for (int j = 0; j < acc.length; j++) acc[j] += e.getValue()[j];
            }
        }
        for (double[] v : sum.values()) {
            for (int j = 0; j < v.length; j++) v[j] /= samples.size();
        }
        return sum;
    }

    /**
     * {@code m} with the bias of every linear layer that reads a channel {@code request} removes raised by
     * that channel's mean contribution (averaged over the layer's output positions; exact for dense layers
     * and for convs without padding). Remove the filters afterwards with
     * {@link FilterRemoval#remove(Model, Map)} and the same request. A layer without a bias gets one.
     *
     * @param means {@link #means(Model, List)} of {@code m}
     */
    public static Model compensate(Model m, Map<String, Set<Integer>> request, Map<String, double[]> means) {
        ChannelGroups groups = ChannelGroups.of(m);
        Map<String, Set<Integer>> removed = FilterRemoval.expand(groups, request);
        Map<String, Tensor> weights = new LinkedHashMap<>(m.weights());
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            Node n = m.node(i);
            boolean linear = n.op() instanceof Op.Dense || (n.op() instanceof Op.Conv2D c && c.groups() == 1);
            ChannelGroups.Origin o = linear ? groups.originOf(n.input()) : null;
            int[] kept = linear ? FilterRemoval.kept(groups, o, removed) : null;
            if (!linear || kept.length == o.channels()) {
                nodes.add(n);
                continue;
            }
            double[] mean = means.get(n.input());
            if (mean == null) throw new IllegalArgumentException("no mean for '" + n.input() + "' (means of another model?)");
            int channels = o.channels();
            boolean[] keep = new boolean[channels];
            for (int k : kept) keep[k] = true;
            double[] gone = new double[mean.length];
            for (int j = 0; j < mean.length; j++) if (!keep[j % channels]) gone[j] = mean[j];
            LinearLayer l = new LinearLayer(m, i);
            double[] with = l.apply(gone), without = l.apply(new double[mean.length]);
            int f = l.bias.length, positions = with.length / f;
            float[] bias = new float[f];
            for (int k = 0; k < f; k++) bias[k] = (float) l.bias[k];
            for (int j = 0; j < with.length; j++) bias[j % f] += (float) ((with[j] - without[j]) / positions);
            weights.put(n.name() + ".bias", new Tensor(new int[] {f}, bias));
            nodes.add(new Node(n.name(), withBias(n.op()), n.inputs()));
        }
        return new Model(m.name(), m.input(), m.labels(), nodes, m.output(), weights);
    }

    private static Op withBias(Op op) {
        if (op instanceof Op.Conv2D c) return new Op.Conv2D(c.kh(), c.kw(), c.sh(), c.sw(), c.padding(), c.filters(), c.groups(), true);
        Op.Dense d = (Op.Dense) op;
        return new Op.Dense(d.units(), true);
    }
}
