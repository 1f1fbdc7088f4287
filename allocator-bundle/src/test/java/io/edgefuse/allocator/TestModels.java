package io.edgefuse.allocator;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A VGG-shaped network small enough for fast tests: conv stacks, pools, a dense head. */
final class TestModels {
    private TestModels() {}

    /** The same network with small random weights, to run it. */
    static Model smallVggWithWeights() {
        Model g = smallVgg();
        Map<String, Tensor> w = new LinkedHashMap<>();
        long seed = 1;
        for (Map.Entry<String, Tensor> e : g.weights().entrySet()) {
            int[] s = e.getValue().shape();
            float b = s.length == 4 ? (float) Math.sqrt(3.0 / (s[0] * s[1] * s[2])) : s.length == 2 ? (float) Math.sqrt(3.0 / s[0]) : 0.05f;
            w.put(e.getKey(), Tensor.random(seed++, -b, b, s));
        }
        return g.withWeights(w);
    }

    static Model smallVgg() {
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> w = new LinkedHashMap<>();
        String x = "input";
        int c = 3, size = 96;
        int[][] blocks = {{32, 32}, {64, 64}, {128, 128, 128}, {128, 128, 128}};
        int id = 0;
        for (int[] block : blocks) {
            for (int f : block) {
                String n = "conv" + id++;
                nodes.add(Node.of(n, new Op.Conv2D(3, 3, 1, 1, Padding.SAME, f, 1, true), x));
                w.put(n + ".weight", Tensor.zeros(3, 3, c, f));
                w.put(n + ".bias", Tensor.zeros(f));
                nodes.add(Node.of(n + "_relu", new Op.Relu(), n));
                x = n + "_relu";
                c = f;
            }
            nodes.add(Node.of("pool" + id, new Op.MaxPool(2, 2, 2, 2, Padding.VALID), x));
            x = "pool" + id;
            size /= 2;
        }
        nodes.add(Node.of("flat", new Op.Flatten(), x));
        nodes.add(Node.of("fc", new Op.Dense(10, true), "flat"));
        w.put("fc.weight", Tensor.zeros(size * size * c, 10));
        w.put("fc.bias", Tensor.zeros(10));
        nodes.add(Node.of("prob", new Op.Softmax(), "fc"));
        return new Model("small-vgg", InputSpec.of(96, 96, 3), List.of(), nodes, "prob", w);
    }
}
