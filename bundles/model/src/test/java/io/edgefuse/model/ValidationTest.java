package io.edgefuse.model;

import static io.edgefuse.model.testing.Expect.modelError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgefuse.model.io.GraphJson;
import io.edgefuse.model.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of bad model is refused with a message naming what is wrong and where. */
class ValidationTest {

    private static Map<String, Tensor> convWeights(String name, int k, int cin, int cout) {
        Map<String, Tensor> w = new HashMap<>();
        w.put(name + ".weight", Tensor.zeros(k, k, cin, cout));
        w.put(name + ".bias", Tensor.zeros(cout));
        return w;
    }

    private static GraphJson.Graph parse(String nodesJson) {
        String json = "{\"name\":\"t\",\"input\":{\"shape\":[8,8,3]},\"nodes\":[" + nodesJson + "]}";
        return GraphJson.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unknownOpAndBadAttributes() {
        modelError("unknown op 'conv3d'", () -> parse("{\"name\":\"a\",\"op\":\"conv3d\",\"inputs\":[\"input\"]}"));
        modelError("node 'a': bad attribute 'kernal'", () -> parse("{\"name\":\"a\",\"op\":\"conv2d\",\"inputs\":[\"input\"],\"attrs\":{\"kernal\":3,\"filters\":4}}"));
        modelError("missing attribute 'filters'", () -> parse("{\"name\":\"a\",\"op\":\"conv2d\",\"inputs\":[\"input\"],\"attrs\":{\"kernel\":3}}"));
        modelError("bad attribute 'stride'", () -> parse("{\"name\":\"a\",\"op\":\"conv2d\",\"inputs\":[\"input\"],\"attrs\":{\"kernel\":3,\"stride\":0,\"filters\":4}}"));
        modelError("bad attribute 'padding'", () -> parse("{\"name\":\"a\",\"op\":\"conv2d\",\"inputs\":[\"input\"],\"attrs\":{\"kernel\":3,\"filters\":4,\"padding\":\"full\"}}"));
        modelError("not valid JSON", () -> GraphJson.parse("{nodes:".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void parsedAttributesKeepTheirMeaning() {
        GraphJson.Graph g = parse("{\"name\":\"a\",\"op\":\"conv2d\",\"inputs\":[\"input\"],\"attrs\":{\"kernel\":[3,5],\"stride\":2,\"filters\":4,\"padding\":[0,1,2,3],\"bias\":false}}");
        assertEquals(new Op.Conv2D(3, 5, 2, 2, Padding.explicit(0, 1, 2, 3), 4, 1, false), g.nodes().get(0).op());
    }

    @Test
    void danglingInputCycleAndOrder() {
        Op.Relu r = new Op.Relu();
        modelError("reads 'ghost'", () -> new Model("t", InputSpec.of(4, 4, 1), List.of(), List.of(Node.of("a", r, "ghost")), null, Map.of()));
        modelError("cycle: a -> b -> a", () -> new Model("t", InputSpec.of(4, 4, 1), List.of(),
                List.of(Node.of("a", new Op.Add(), "input", "b"), Node.of("b", r, "a")), null, Map.of()));
        modelError("topological order", () -> new Model("t", InputSpec.of(4, 4, 1), List.of(),
                List.of(Node.of("a", r, "b"), Node.of("b", r, "input")), "a", Map.of()));
        modelError("duplicate node name 'a'", () -> new Model("t", InputSpec.of(4, 4, 1), List.of(),
                List.of(Node.of("a", r, "input"), Node.of("a", r, "input")), null, Map.of()));
    }

    @Test
    void shapeMismatchesAndTensors() {
        Op.Conv2D conv = new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 4, 1, true);
        modelError("node 'sum' (add): shape mismatch", () -> new Model("t", InputSpec.of(8, 8, 3), List.of(),
                List.of(Node.of("c", conv, "input"), Node.of("sum", new Op.Add(), "c", "input")), null, convWeights("c", 3, 3, 4)));
        modelError("missing tensor 'c.weight'", () -> new Model("t", InputSpec.of(8, 8, 3), List.of(), List.of(Node.of("c", conv, "input")), null, Map.of()));
        modelError("tensor 'c.weight' has shape [3, 3, 2, 4], expected [3, 3, 3, 4]", () -> new Model("t", InputSpec.of(8, 8, 3), List.of(),
                List.of(Node.of("c", conv, "input")), null, convWeights("c", 3, 2, 4)));
        Map<String, Tensor> extra = convWeights("c", 3, 3, 4);
        extra.put("z.weight", Tensor.zeros(1));
        modelError("unexpected tensor 'z.weight'", () -> new Model("t", InputSpec.of(8, 8, 3), List.of(), List.of(Node.of("c", conv, "input")), null, extra));
        modelError("dense needs a vector", () -> new Model("t", InputSpec.of(8, 8, 3), List.of(),
                List.of(Node.of("d", new Op.Dense(4, false), "input")), null, Map.of()));
        modelError("larger than padded input", () -> new Model("t", InputSpec.of(2, 2, 1), List.of(),
                List.of(Node.of("p", new Op.MaxPool(3, 3, 1, 1, Padding.VALID), "input")), null, Map.of()));
    }

    @Test
    void shapesAndCostsAreInferred() {
        Op.Conv2D conv = new Op.Conv2D(3, 3, 2, 2, Padding.SAME, 4, 1, true);
        Model m = new Model("t", InputSpec.of(9, 8, 3), List.of(), List.of(Node.of("c", conv, "input")), null, convWeights("c", 3, 3, 4));
        assertEquals(Shape.map(5, 4, 4), m.shape(0));
        assertEquals(new Window(3, 3, 2, 2, 1, 1, 0, 1), m.window(0));
        assertEquals(5L * 4 * 4 * 27, m.cost(0).macs());
        assertEquals(3 * 3 * 3 * 4 + 4, m.parameterCount());
    }
}
