package io.edgefuse.engine.tf;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Shape;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds small models with seeded random weights. Input shapes come from the model's own validator
 * (a prefix model is built to ask for them), so the tests do not repeat shape inference.
 */
final class ModelBuilder {
    private final InputSpec input;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Tensor> weights = new LinkedHashMap<>();
    private long seed;

    ModelBuilder(int h, int w, int c, long seed) {
        this.input = InputSpec.of(h, w, c);
        this.seed = seed;
    }

    ModelBuilder add(String name, Op op, String... inputs) {
        Shape in = shapeOf(inputs[0]);
        String p = name + ".";
        if (op instanceof Op.Conv2D c) {
            int cpg = in.c() / c.groups();
            float a = (float) (1 / Math.sqrt(c.kh() * c.kw() * cpg));
            weights.put(p + "weight", random(-a, a, c.kh(), c.kw(), cpg, c.filters()));
            if (c.bias()) weights.put(p + "bias", random(-0.2f, 0.2f, c.filters()));
        } else if (op instanceof Op.BatchNorm) {
            weights.put(p + "gamma", random(0.5f, 1.5f, in.c()));
            weights.put(p + "beta", random(-0.5f, 0.5f, in.c()));
            weights.put(p + "mean", random(-0.5f, 0.5f, in.c()));
            weights.put(p + "variance", random(0.5f, 1.5f, in.c()));
        } else if (op instanceof Op.Dense d) {
            int n = (int) in.size();
            float a = (float) (1 / Math.sqrt(n));
            weights.put(p + "weight", random(-a, a, n, d.units()));
            if (d.bias()) weights.put(p + "bias", random(-0.2f, 0.2f, d.units()));
        }
        nodes.add(Node.of(name, op, inputs));
        return this;
    }

    /** The same nodes as {@code m}, with this builder's random weights. */
    ModelBuilder addAll(Model m) {
        for (var n : m.nodes()) add(n.name(), n.op(), n.inputs().toArray(String[]::new));
        return this;
    }

    Map<String, Tensor> weights() {
        return weights;
    }

    Shape shapeOf(String name) {
        if (name.equals(input.name())) return input.shape();
        return new Model("prefix", input, List.of(), nodes, name, weights).shapeOf(name);
    }

    Model build(String name) {
        return new Model(name, input, List.of(), nodes, null, weights);
    }

    private Tensor random(float lo, float hi, int... dims) {
        return Tensor.random(seed++, lo, hi, dims);
    }
}
