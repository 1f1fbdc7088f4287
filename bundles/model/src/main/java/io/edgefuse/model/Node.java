package io.edgefuse.model;

import java.util.List;

/** One named node of the graph: an op applied to the named outputs of earlier nodes (or the model input). */
public record Node(String name, Op op, List<String> inputs) {
    public Node {
        if (name == null || name.isBlank()) throw new ModelException("a node has no name");
        if (op == null) throw new ModelException("node '" + name + "' has no op");
        inputs = List.copyOf(inputs);
    }

    public static Node of(String name, Op op, String... inputs) {
        return new Node(name, op, List.of(inputs));
    }

    public String input() {
        return inputs.get(0);
    }
}
