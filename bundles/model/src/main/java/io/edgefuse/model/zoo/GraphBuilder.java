package io.edgefuse.model.zoo;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends nodes in topological order and remembers each tensor's channel count, which depthwise
 * convolutions (groups = channels) need while the graph is being written. Spatial shapes are left to
 * the model's validator.
 */
final class GraphBuilder {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Integer> channels = new HashMap<>();
    private final Set<String> residualBranchEnds = new LinkedHashSet<>();

    GraphBuilder(InputSpec input) {
        channels.put(input.name(), input.shape().c());
    }

    int channels(String tensor) {
        Integer c = channels.get(tensor);
        if (c == null) throw new ModelException("zoo builder: unknown tensor '" + tensor + "'");
        return c;
    }

    String conv(String name, String in, int k, int stride, Padding p, int filters, boolean bias) {
        return add(name, new Op.Conv2D(k, k, stride, stride, p, filters, 1, bias), filters, in);
    }

    String depthwise(String name, String in, int k, int stride, Padding p) {
        int c = channels(in);
        return add(name, new Op.Conv2D(k, k, stride, stride, p, c, c, false), c, in);
    }

    String batchNorm(String name, String in, double epsilon) {
        return add(name, new Op.BatchNorm(epsilon), channels(in), in);
    }

    String relu(String name, String in) {
        return add(name, new Op.Relu(), channels(in), in);
    }

    String relu6(String name, String in) {
        return add(name, new Op.Relu6(), channels(in), in);
    }

    String leakyRelu(String name, String in, double alpha) {
        return add(name, new Op.LeakyRelu(alpha), channels(in), in);
    }

    String maxPool(String name, String in, int k, int stride, Padding p) {
        return add(name, new Op.MaxPool(k, k, stride, stride, p), channels(in), in);
    }

    String globalAvgPool(String name, String in) {
        return add(name, new Op.GlobalAvgPool(), channels(in), in);
    }

    String flatten(String name, String in) {
        // The flattened length is not a channel count; nothing downstream of a flatten asks for one.
        return add(name, new Op.Flatten(), -1, in);
    }

    String dense(String name, String in, int units) {
        return add(name, new Op.Dense(units, true), units, in);
    }

    String softmax(String name, String in) {
        return add(name, new Op.Softmax(), channels(in), in);
    }

    String residualAdd(String name, String a, String b) {
        return add(name, new Op.Add(), channels(a), a, b);
    }

    String concat(String name, String... ins) {
        int c = 0;
        for (String in : ins) c += channels(in);
        return add(name, new Op.Concat(), c, ins);
    }

    String reorg(String name, String in, int stride) {
        return add(name, new Op.Reorg(stride), channels(in) * stride * stride, in);
    }

    /** Marks the batch norm that ends a residual branch; its gain is kept small when weights are drawn. */
    void markResidualBranchEnd(String batchNorm) {
        residualBranchEnds.add(batchNorm);
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    Set<String> residualBranchEnds() {
        return Set.copyOf(residualBranchEnds);
    }

    private String add(String name, Op op, int outChannels, String... inputs) {
        nodes.add(Node.of(name, op, inputs));
        channels.put(name, outChannels);
        return name;
    }
}
