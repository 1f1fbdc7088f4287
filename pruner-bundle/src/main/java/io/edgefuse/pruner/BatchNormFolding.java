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

/**
 * Folds every batch norm that directly follows a conv into that conv. LRP rules are stated for a linear
 * map followed by a non-linearity; an unfolded batch norm between them breaks z+ (the sign of the
 * folded weights changes with gamma) and is a known source of wrong relevance in other libraries.
 */
public final class BatchNormFolding {
    private BatchNormFolding() {}

    /**
     * An equivalent model in which each batch norm whose only input is a conv2d that feeds nothing else
     * is merged into that conv (which gains a bias if it had none). Other batch norms stay.
     */
    public static Model fold(Model m) {
        Map<String, Tensor> weights = new LinkedHashMap<>(m.weights());
        Map<String, String> renamed = new HashMap<>();
        Map<String, Node> replacedConv = new HashMap<>();
        for (Node bn : m.nodes()) {
            if (!(bn.op() instanceof Op.BatchNorm norm)) continue;
            String convName = bn.input();
            if (convName.equals(m.input().name()) || convName.equals(m.output())) continue;
            Node conv = m.node(m.indexOf(convName));
            if (!(conv.op() instanceof Op.Conv2D c) || m.consumersOf(convName).size() != 1) continue;
            foldInto(m, conv, c, bn, norm, weights);
            replacedConv.put(convName, new Node(convName, new Op.Conv2D(c.kh(), c.kw(), c.sh(), c.sw(), c.padding(), c.filters(), c.groups(), true), conv.inputs()));
            renamed.put(bn.name(), convName);
        }
        if (renamed.isEmpty()) return m;
        List<Node> nodes = new ArrayList<>();
        for (Node n : m.nodes()) {
            if (renamed.containsKey(n.name())) continue;
            Node base = replacedConv.getOrDefault(n.name(), n);
            List<String> ins = new ArrayList<>();
            for (String in : base.inputs()) ins.add(renamed.getOrDefault(in, in));
            nodes.add(new Node(base.name(), base.op(), ins));
        }
        String out = renamed.getOrDefault(m.output(), m.output());
        return new Model(m.name(), m.input(), m.labels(), nodes, out, weights);
    }

    private static void foldInto(Model m, Node conv, Op.Conv2D c, Node bn, Op.BatchNorm norm, Map<String, Tensor> weights) {
        String b = bn.name();
        float[] gamma = m.weight(b + ".gamma").data(), beta = m.weight(b + ".beta").data();
        float[] mean = m.weight(b + ".mean").data(), var = m.weight(b + ".variance").data();
        Tensor w = m.weight(conv.name() + ".weight");
        float[] bias = c.bias() ? m.weight(conv.name() + ".bias").data() : new float[c.filters()];
        int cout = c.filters();
        double[] scale = new double[cout];
        for (int o = 0; o < cout; o++) scale[o] = gamma[o] / Math.sqrt(var[o] + norm.epsilon());
        float[] wd = w.data(), nw = new float[wd.length];
        // HWIO: the output channel is the fastest-varying index.
        for (int k = 0; k < wd.length; k++) nw[k] = (float) (wd[k] * scale[k % cout]);
        float[] nb = new float[cout];
        for (int o = 0; o < cout; o++) nb[o] = (float) ((bias[o] - mean[o]) * scale[o] + beta[o]);
        weights.put(conv.name() + ".weight", new Tensor(w.shape(), nw));
        weights.put(conv.name() + ".bias", new Tensor(new int[] {cout}, nb));
        for (String key : List.of(".gamma", ".beta", ".mean", ".variance")) weights.remove(b + key);
    }
}
