package io.edgefuse.allocator.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoordinatorPropertiesTest {
    private static Model named(String name) {
        return new Model(name, InputSpec.of(4, 4, 1), List.of(), List.of(Node.of("g", new Op.GlobalAvgPool(), "input")), null, Map.of());
    }

    @Test
    void cfgFileValuesBecomeSettingsAndConfig() {
        CoordinatorProperties p = CoordinatorProperties.fromMap(Map.of("broker.host", "10.0.0.2", "broker.port", "1884",
                "topic.root", "site/a", "models", " m1 , /models/m2 ", "planner", "aofl", "link", "wifi50", "max.request.bytes", "1024"));
        MqttCoordinator.Settings s = p.settings(f -> named(f.substring(f.lastIndexOf('/') + 1)));
        assertEquals("10.0.0.2", s.brokerHost());
        assertEquals(1884, s.brokerPort());
        assertEquals("site/a", s.topicRoot());
        assertEquals(List.of("m1", "m2"), List.copyOf(s.models().keySet()));
        assertEquals(1024, s.maxRequestBytes());
        assertEquals("aofl", p.config().planner());
        assertEquals(io.edgefuse.allocator.cluster.Profiles.link("wifi50"), p.config().link());
    }

    @Test
    void defaultsMatchTheCli() {
        CoordinatorProperties p = CoordinatorProperties.fromMap(Map.of("models", "m"));
        MqttCoordinator.Settings s = p.settings(CoordinatorPropertiesTest::named);
        MqttCoordinator.Settings cli = MqttCoordinator.Settings.of("127.0.0.1", 1883, s.models());
        assertEquals(cli, s);
        assertEquals(CoordinatorConfig.defaults(), p.config());
    }

    @Test
    void badValuesNameTheirKey() {
        for (var bad : List.of(Map.of("broker.port", "http"), Map.of("broker.port", "70000"), Map.of("planner", "fastest"),
                Map.of("link", "carrier-pigeon"), Map.of("max.request.bytes", "0"), Map.of("topic.root", "a/#"))) {
            Map<String, Object> props = new java.util.HashMap<>(bad);
            props.put("models", "m");
            String key = bad.keySet().iterator().next();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CoordinatorProperties.fromMap(props), key);
            assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        }
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> CoordinatorProperties.fromMap(Map.of("planner", "aofl")));
        assertTrue(none.getMessage().contains("'models'"), none.getMessage());
        IllegalArgumentException unloadable = assertThrows(IllegalArgumentException.class,
                () -> CoordinatorProperties.fromMap(Map.of("models", "nope")).settings(f -> { throw new IllegalArgumentException("no such model"); }));
        assertTrue(unloadable.getMessage().contains("'nope'") && unloadable.getMessage().contains("no such model"), unloadable.getMessage());
    }
}
