package io.edgefuse.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgefuse.model.InputSpec;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.Preprocessing;
import io.edgefuse.model.Shape;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** model.json: the graph, its input and labels. Parsing errors name the node and attribute at fault. */
public final class GraphJson {
    public static final String FORMAT = "edgefuse-model/1";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What model.json holds; weights come from the safetensors file. */
    public record Graph(String name, InputSpec input, List<String> labels, List<Node> nodes, String output) {}

    private GraphJson() {}

    public static Graph parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new ModelException("model.json is not valid JSON: " + e.getMessage().split("\n")[0]);
        }
        if (root == null || !root.isObject()) throw new ModelException("model.json must hold a JSON object");
        String format = root.path("format").asText(FORMAT);
        if (!format.equals(FORMAT)) throw new ModelException("model.json format '" + format + "' is not " + FORMAT);
        String name = text(root, "name", "model.json");
        InputSpec input = parseInput(root.path("input"));
        List<String> labels = new ArrayList<>();
        for (JsonNode l : root.path("labels")) labels.add(l.asText());
        JsonNode nodesNode = root.path("nodes");
        if (!nodesNode.isArray()) throw new ModelException("model.json: 'nodes' must be an array");
        List<Node> nodes = new ArrayList<>();
        for (JsonNode n : nodesNode) nodes.add(parseNode(n));
        String output = root.hasNonNull("output") ? root.get("output").asText() : null;
        return new Graph(name, input, labels, nodes, output);
    }

    public static byte[] write(Graph g) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("name", g.name());
        ObjectNode in = root.putObject("input");
        in.put("name", g.input().name());
        ArrayNode shape = in.putArray("shape");
        for (int d : g.input().shape().dims()) shape.add(d);
        in.put("layout", "NHWC");
        ObjectNode pre = in.putObject("preprocessing");
        pre.put("scale", g.input().preprocessing().scale());
        ArrayNode mean = pre.putArray("mean");
        for (double v : g.input().preprocessing().mean()) mean.add(v);
        ArrayNode std = pre.putArray("std");
        for (double v : g.input().preprocessing().std()) std.add(v);
        ArrayNode labels = root.putArray("labels");
        g.labels().forEach(labels::add);
        if (g.output() != null) root.put("output", g.output());
        ArrayNode nodes = root.putArray("nodes");
        for (Node n : g.nodes()) {
            ObjectNode o = nodes.addObject();
            o.put("name", n.name());
            o.put("op", n.op().name());
            ArrayNode ins = o.putArray("inputs");
            n.inputs().forEach(ins::add);
            o.set("attrs", JSON.valueToTree(n.op().attrs()));
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ModelException("cannot write model.json", e);
        }
    }

    private static InputSpec parseInput(JsonNode in) {
        if (!in.isObject()) throw new ModelException("model.json: 'input' must be an object with name, shape, layout, preprocessing");
        String layout = in.path("layout").asText("NHWC");
        if (!layout.equals("NHWC")) throw new ModelException("model.json: input layout '" + layout + "' is not supported (NHWC only)");
        JsonNode s = in.path("shape");
        if (!s.isArray() || s.size() != 3) throw new ModelException("model.json: input shape must be [H, W, C]");
        Shape shape = Shape.map(positiveInt(s.get(0), "input shape"), positiveInt(s.get(1), "input shape"), positiveInt(s.get(2), "input shape"));
        Preprocessing pre = Preprocessing.unit(shape.c());
        JsonNode p = in.path("preprocessing");
        if (p.isObject()) {
            double scale = p.path("scale").asDouble(1.0 / 255.0);
            double[] mean = doubles(p.path("mean"), shape.c(), 0.0, "preprocessing mean");
            double[] std = doubles(p.path("std"), shape.c(), 1.0, "preprocessing std");
            pre = new Preprocessing(scale, mean, std);
        }
        return new InputSpec(in.path("name").asText("input"), shape, pre);
    }

    private static Node parseNode(JsonNode n) {
        if (!n.isObject()) throw new ModelException("model.json: every node must be an object");
        String name = text(n, "name", "node");
        String op = text(n, "op", "node '" + name + "'");
        List<String> inputs = new ArrayList<>();
        JsonNode ins = n.path("inputs");
        if (!ins.isArray()) throw new ModelException("node '" + name + "': 'inputs' must be an array of node names");
        for (JsonNode i : ins) inputs.add(i.asText());
        JsonNode attrs = n.path("attrs");
        if (!attrs.isMissingNode() && !attrs.isNull() && !attrs.isObject()) throw new ModelException("node '" + name + "': 'attrs' must be an object");
        try {
            return new Node(name, parseOp(op, attrs), inputs);
        } catch (ModelException e) {
            throw new ModelException("node '" + name + "': " + e.getMessage(), e);
        }
    }

    static Op parseOp(String op, JsonNode a) {
        return switch (op) {
            case "conv2d" -> {
                allowed(a, "kernel", "stride", "padding", "filters", "groups", "bias");
                int[] k = pair(a, "kernel", null);
                int[] s = pair(a, "stride", new int[] {1, 1});
                yield new Op.Conv2D(k[0], k[1], s[0], s[1], padding(a), requiredInt(a, "filters"), optInt(a, "groups", 1), optBool(a, "bias", true));
            }
            case "batchnorm" -> {
                allowed(a, "epsilon");
                yield new Op.BatchNorm(a.path("epsilon").asDouble(1e-3));
            }
            case "relu" -> noAttrs(a, new Op.Relu());
            case "relu6" -> noAttrs(a, new Op.Relu6());
            case "leaky_relu" -> {
                allowed(a, "alpha");
                yield new Op.LeakyRelu(a.path("alpha").asDouble(0.1));
            }
            case "maxpool", "avgpool" -> {
                allowed(a, "kernel", "stride", "padding");
                int[] k = pair(a, "kernel", null);
                int[] s = pair(a, "stride", k);
                Padding p = a.has("padding") ? padding(a) : Padding.VALID;
                yield op.equals("maxpool") ? new Op.MaxPool(k[0], k[1], s[0], s[1], p) : new Op.AvgPool(k[0], k[1], s[0], s[1], p);
            }
            case "global_avgpool" -> noAttrs(a, new Op.GlobalAvgPool());
            case "add" -> noAttrs(a, new Op.Add());
            case "concat" -> {
                allowed(a, "axis");
                if (a.has("axis") && a.get("axis").asInt() != -1 && a.get("axis").asInt() != 3) {
                    throw new ModelException("concat supports only the channel axis (-1 or 3), got " + a.get("axis"));
                }
                yield new Op.Concat();
            }
            case "flatten" -> noAttrs(a, new Op.Flatten());
            case "dense" -> {
                allowed(a, "units", "bias");
                yield new Op.Dense(requiredInt(a, "units"), optBool(a, "bias", true));
            }
            case "softmax" -> noAttrs(a, new Op.Softmax());
            case "reorg" -> {
                allowed(a, "stride");
                yield new Op.Reorg(optInt(a, "stride", 2));
            }
            default -> throw new ModelException("unknown op '" + op + "' (known: conv2d, batchnorm, relu, relu6, leaky_relu, maxpool, avgpool, global_avgpool, add, concat, flatten, dense, softmax, reorg)");
        };
    }

    private static Op noAttrs(JsonNode a, Op op) {
        allowed(a);
        return op;
    }

    private static void allowed(JsonNode a, String... keys) {
        if (a == null || !a.isObject()) return;
        Set<String> ok = Set.of(keys);
        Iterator<String> it = a.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!ok.contains(k)) throw new ModelException("bad attribute '" + k + "' (allowed: " + (keys.length == 0 ? "none" : String.join(", ", keys)) + ")");
        }
    }

    private static Padding padding(JsonNode a) {
        JsonNode p = a.path("padding");
        if (p.isMissingNode() || p.isNull()) return Padding.VALID;
        if (p.isTextual()) {
            return switch (p.asText()) {
                case "same" -> Padding.SAME;
                case "valid" -> Padding.VALID;
                default -> throw new ModelException("bad attribute 'padding': '" + p.asText() + "' (use \"same\", \"valid\", an int or [top, bottom, left, right])");
            };
        }
        if (p.isInt()) return Padding.symmetric(nonNegative(p, "padding"));
        if (p.isArray() && p.size() == 4) {
            return Padding.explicit(nonNegative(p.get(0), "padding"), nonNegative(p.get(1), "padding"), nonNegative(p.get(2), "padding"), nonNegative(p.get(3), "padding"));
        }
        throw new ModelException("bad attribute 'padding': " + p + " (use \"same\", \"valid\", an int or [top, bottom, left, right])");
    }

    private static int[] pair(JsonNode a, String key, int[] dflt) {
        JsonNode v = a.path(key);
        if (v.isMissingNode() || v.isNull()) {
            if (dflt == null) throw new ModelException("missing attribute '" + key + "'");
            return dflt;
        }
        if (v.isInt()) {
            int x = positiveInt(v, key);
            return new int[] {x, x};
        }
        if (v.isArray() && v.size() == 2) return new int[] {positiveInt(v.get(0), key), positiveInt(v.get(1), key)};
        throw new ModelException("bad attribute '" + key + "': " + v + " (an int or [h, w])");
    }

    private static int requiredInt(JsonNode a, String key) {
        if (!a.has(key)) throw new ModelException("missing attribute '" + key + "'");
        return positiveInt(a.get(key), key);
    }

    private static int optInt(JsonNode a, String key, int dflt) {
        return a.has(key) ? positiveInt(a.get(key), key) : dflt;
    }

    private static boolean optBool(JsonNode a, String key, boolean dflt) {
        if (!a.has(key)) return dflt;
        if (!a.get(key).isBoolean()) throw new ModelException("bad attribute '" + key + "': " + a.get(key) + " (true or false)");
        return a.get(key).asBoolean();
    }

    private static int positiveInt(JsonNode v, String what) {
        if (v == null || !v.isInt() || v.asInt() <= 0) throw new ModelException("bad attribute '" + what + "': " + v + " (a positive integer)");
        return v.asInt();
    }

    private static int nonNegative(JsonNode v, String what) {
        if (v == null || !v.isInt() || v.asInt() < 0) throw new ModelException("bad attribute '" + what + "': " + v + " (a non-negative integer)");
        return v.asInt();
    }

    private static String text(JsonNode n, String key, String where) {
        JsonNode v = n.path(key);
        if (!v.isTextual() || v.asText().isBlank()) throw new ModelException(where + ": missing '" + key + "'");
        return v.asText();
    }

    private static double[] doubles(JsonNode arr, int n, double dflt, String what) {
        double[] out = new double[n];
        if (arr.isMissingNode() || arr.isNull()) {
            java.util.Arrays.fill(out, dflt);
            return out;
        }
        if (!arr.isArray() || arr.size() != n) throw new ModelException("model.json: " + what + " must have " + n + " values");
        for (int i = 0; i < n; i++) out[i] = arr.get(i).asDouble();
        return out;
    }

}
