package io.edgefuse.allocator.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.testing.RandomGraphs;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelVersionsTest {
    private static NodeInfo node(String name, Model loaded1, Model loaded2, Model active) {
        Set<String> loaded = loaded2 == null ? Set.of(key(loaded1)) : Set.of(key(loaded1), key(loaded2));
        return new NodeInfo(name, true, "java", Map.of("conv", 1.0), 0.1, 1L << 30, loaded, Set.of(key(active)), 0, 0);
    }

    private static String key(Model m) {
        return m.name() + "@" + m.version();
    }

    @Test
    void switchesOnlyOnceEveryServingNodeHasTheNewVersionActiveAndFollowsRollbacks() {
        Model v1 = RandomGraphs.generate(1);
        // the same graph with one tensor replaced: a new version
        var w = new java.util.LinkedHashMap<>(v1.weights());
        String first = w.keySet().iterator().next();
        w.put(first, io.edgefuse.model.tensor.Tensor.random(99, -1, 1, w.get(first).shape()));
        Model v2 = v1.withWeights(w);
        assertTrue(!v1.version().equals(v2.version()));
        ModelVersions vs = new ModelVersions(Map.of(v1.name(), v1));
        vs.add(v2);
        String name = v1.name();

        assertEquals(v1, vs.serving(name, List.of(node("a", v1, null, v1), node("b", v1, null, v1))).orElseThrow());
        assertEquals(v1, vs.serving(name, List.of(node("a", v1, v2, v2), node("b", v1, null, v1))).orElseThrow(), "half switched: the old version stays");
        List<Model> warming = new java.util.ArrayList<>();
        vs.onWarmUp(warming::add);
        List<NodeInfo> all = List.of(node("a", v1, v2, v2), node("b", v1, v2, v2));
        assertEquals(v1, vs.serving(name, all).orElseThrow(), "all switched, but v2 has not run yet: still v1");
        assertEquals(v1, vs.serving(name, all).orElseThrow());
        assertEquals(List.of(v2), warming, "one warm-up, however many requests ask meanwhile");
        vs.warmed(v2);
        assertEquals(v2, vs.serving(name, all).orElseThrow(), "warmed: switched");
        assertEquals(v2, vs.current(name).orElseThrow());
        assertEquals(v2, vs.serving(name, List.of(node("a", v1, v2, v1), node("b", v1, v2, v2))).orElseThrow(), "half rolled back: stays");
        assertEquals(v1, vs.serving(name, List.of(node("a", v1, v2, v1), node("b", v1, v2, v1))).orElseThrow(), "all rolled back");
        assertEquals(v1, vs.serving(name, List.of()).orElseThrow(), "no node: the version in use");
        assertTrue(vs.serving("other", List.of()).isEmpty());
    }
}
