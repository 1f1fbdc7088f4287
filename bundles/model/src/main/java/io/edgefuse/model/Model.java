package io.edgefuse.model;

import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated CNN: named nodes in topological order, their inferred shapes and windows, and weights.
 * Construction validates everything (see {@link ModelValidator}), so a Model that exists can be run.
 */
public final class Model {
    private final String name;
    private final InputSpec input;
    private final List<String> labels;
    private final List<Node> nodes;
    private final String output;
    private final Map<String, Tensor> weights;
    private final Map<String, Integer> index = new HashMap<>();
    private final Shape[] shapes;
    private final Window[] windows;
    private final Map<String, List<Integer>> consumers = new HashMap<>();
    private final boolean graphOnly;
    /** Filled lazily: planners ask for the same node's cost millions of times. */
    private final NodeCost[] costs;
    private volatile String version;

    public Model(String name, InputSpec input, List<String> labels, List<Node> nodes, String output, Map<String, Tensor> weights) {
        this(name, input, labels, nodes, output, weights, false);
    }

    /**
     * A model without weights: shapes, windows, costs and parameter counts are known, but it cannot be
     * run, hashed or written. It lets tools size a network (VGG-16 alone has 553 MB of weights) without
     * allocating it; {@link #withWeights} turns it into a full, validated model.
     */
    public static Model graphOnly(String name, InputSpec input, List<String> labels, List<Node> nodes, String output) {
        return new Model(name, input, labels, nodes, output, Map.of(), true);
    }

    private Model(String name, InputSpec input, List<String> labels, List<Node> nodes, String output, Map<String, Tensor> weights, boolean graphOnly) {
        this.graphOnly = graphOnly;
        this.name = name;
        this.input = input;
        this.labels = List.copyOf(labels);
        this.nodes = List.copyOf(nodes);
        this.costs = new NodeCost[this.nodes.size()];
        this.output = output == null && !nodes.isEmpty() ? nodes.get(nodes.size() - 1).name() : output;
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        ModelValidator.Result r = ModelValidator.validate(this, !graphOnly);
        for (int i = 0; i < this.nodes.size(); i++) index.put(this.nodes.get(i).name(), i);
        this.shapes = r.shapes();
        this.windows = r.windows();
        for (int i = 0; i < this.nodes.size(); i++) {
            for (String in : this.nodes.get(i).inputs()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
        }
    }

    public String name() {
        return name;
    }

    public InputSpec input() {
        return input;
    }

    public List<String> labels() {
        return labels;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public int size() {
        return nodes.size();
    }

    public Node node(int i) {
        return nodes.get(i);
    }

    public String output() {
        return output;
    }

    /** Whether this model was built by {@link #graphOnly} and so has no weights. */
    public boolean isGraphOnly() {
        return graphOnly;
    }

    public Map<String, Tensor> weights() {
        requireWeights();
        return weights;
    }

    public Tensor weight(String key) {
        requireWeights();
        Tensor t = weights.get(key);
        if (t == null) throw new ModelException("model '" + name + "' has no tensor '" + key + "'");
        return t;
    }

    /** Index of a node by name; -1 for the model input. */
    public int indexOf(String nodeName) {
        if (nodeName.equals(input.name())) return -1;
        Integer i = index.get(nodeName);
        if (i == null) throw new ModelException("model '" + name + "' has no node '" + nodeName + "'");
        return i;
    }

    /** Output shape of a node, or of the input for the input's name. */
    public Shape shapeOf(String nodeName) {
        int i = indexOf(nodeName);
        return i < 0 ? input.shape() : shapes[i];
    }

    public Shape shape(int nodeIndex) {
        return shapes[nodeIndex];
    }

    public Shape outputShape() {
        return shapeOf(output);
    }

    /** The window of a spatial node (identity for point-wise ops); null for non-spatial ones. */
    public Window window(int nodeIndex) {
        return windows[nodeIndex];
    }

    /** Indices of the nodes that read a tensor (node output or the model input). */
    public List<Integer> consumersOf(String tensorName) {
        return consumers.getOrDefault(tensorName, List.of());
    }

    public NodeCost cost(int nodeIndex) {
        NodeCost c = costs[nodeIndex];
        if (c == null) costs[nodeIndex] = c = NodeCosts.of(this, nodeIndex);
        return c;
    }

    public NodeCost totalCost() {
        NodeCost c = NodeCost.ZERO;
        for (int i = 0; i < nodes.size(); i++) c = c.plus(cost(i));
        return c;
    }

    public long parameterCount() {
        if (graphOnly) return totalCost().params();
        long n = 0;
        for (Tensor t : weights.values()) n += t.size();
        return n;
    }

    /** SHA-256 (hex) of model.json followed by weights.safetensors, as written by {@link io.edgefuse.model.io.ModelFormat}. */
    public String version() {
        String v = version;
        if (v == null) {
            v = io.edgefuse.model.io.ModelFormat.computeVersion(this);
            version = v;
        }
        return v;
    }

    /** Called by the reader, which hashes the files as they are on disk. */
    public Model withVersion(String v) {
        this.version = v;
        return this;
    }

    /** The same graph with other weights (e.g. after training); validated again. */
    public Model withWeights(Map<String, Tensor> newWeights) {
        return new Model(name, input, labels, nodes, output, newWeights);
    }

    private void requireWeights() {
        if (graphOnly) throw new ModelException("model '" + name + "' is graph-only: it has shapes and costs but no weights");
    }

    @Override
    public String toString() {
        return "Model[" + name + ", " + nodes.size() + " nodes" + (graphOnly ? ", graph only" : "") + "]";
    }
}
