package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Shape;
import io.edgefuse.model.tensor.Tensor;
import java.util.Map;

/**
 * The result of one LRP pass: the relevance of every node's output (same shape as the output, [H, W, C]
 * for maps) and of the model input. Nodes the relevance never reached (past the start node, or off
 * every path to it) have all-zero relevance.
 */
public final class Relevance {
    private final Model model;
    private final Map<String, double[]> values;
    private final String startNode;
    private final int trueClass;
    private final double logit;

    Relevance(Model model, Map<String, double[]> values, String startNode, int trueClass, double logit) {
        this.model = model;
        this.values = values;
        this.startNode = startNode;
        this.trueClass = trueClass;
        this.logit = logit;
    }

    /** The node whose output (the logits) the relevance starts from: the softmax's input, or the model output. */
    public String startNode() {
        return startNode;
    }

    public int trueClass() {
        return trueClass;
    }

    /** The true class's logit in the forward pass; the start relevance is 1, not this value. */
    public double logit() {
        return logit;
    }

    /** Relevance of a node's output (or of the input, by the input's name), shaped like that output. */
    public Tensor of(String node) {
        double[] v = raw(node);
        float[] f = new float[v.length];
        for (int k = 0; k < v.length; k++) f[k] = (float) v[k];
        return new Tensor(model.shapeOf(node).dims(), f);
    }

    public Tensor input() {
        return of(model.input().name());
    }

    /** Sum of a node's output relevance, in double precision. */
    public double total(String node) {
        double s = 0;
        for (double v : raw(node)) s += v;
        return s;
    }

    public double inputTotal() {
        return total(model.input().name());
    }

    /** Relevance summed over positions, per channel: for a conv, the relevance of each filter. */
    public double[] channelSums(String node) {
        Shape s = model.shapeOf(node);
        int c = s.c();
        double[] out = new double[c];
        double[] v = raw(node);
        for (int k = 0; k < v.length; k++) out[k % c] += v[k];
        return out;
    }

    private double[] raw(String node) {
        double[] v = values.get(node);
        return v != null ? v : new double[(int) model.shapeOf(node).size()];
    }
}
