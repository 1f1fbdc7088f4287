package io.edgefuse.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigTest {

    @Test
    void defaultsNeedOnlyANodeId() {
        NodeConfig c = NodeConfig.fromMap(Map.of("node.id", "n1"));
        assertEquals(NodeConfig.builder("n1").build(), c);
        assertEquals("127.0.0.1", c.brokerHost());
        assertEquals(1883, c.brokerPort());
        assertEquals("edgefuse/v1", c.topicRoot());
        assertEquals("tf", c.executor());
        assertEquals(0, c.threads());
        assertEquals(1, c.workers());
        assertEquals(8, c.queueCapacity());
        assertEquals(1000, c.heartbeatIntervalMs());
        assertEquals(64 * 1024 * 1024, c.maxMessageBytes());
        assertEquals(List.of(), c.models());
        assertTrue(c.probe());
    }

    @Test
    void readsCfgStringsAndTypedValues() {
        Map<String, Object> p = new HashMap<>();
        p.put("node.id", "gw-3");
        p.put("broker.host", "broker.lan");
        p.put("broker.port", "8883");
        p.put("topic.root", "lab/ef");
        p.put("executor", "java");
        p.put("threads", 2);
        p.put("workers", "2");
        p.put("queue.capacity", 16L);
        p.put("heartbeat.interval.ms", "500");
        p.put("max.message.bytes", "1048576");
        p.put("models", " resnet18, /opt/models/tiny ,");
        p.put("probe", "false");
        p.put("service.pid", "io.edgefuse.node"); // Config Admin's own keys pass through
        NodeConfig c = NodeConfig.fromMap(p);
        assertEquals(new NodeConfig("gw-3", "broker.lan", 8883, "lab/ef", "java", 2, 2, 16, 500, 1 << 20, List.of("resnet18", "/opt/models/tiny"), false, 64, null, null, NodeConfig.Ota.off(), 10), c);
        assertEquals("lab/ef/nodes/gw-3/tasks", c.topics().nodeTasks("gw-3"));

        p.put("models", new String[] {"a", "b"});
        p.put("probe", Boolean.TRUE);
        NodeConfig d = NodeConfig.fromMap(p);
        assertEquals(List.of("a", "b"), d.models());
        assertTrue(d.probe());

        p.put("graph.cache", "4");
        p.put("hold.until", "/run/go");
        NodeConfig e = NodeConfig.fromMap(p);
        assertEquals(4, e.graphCache());
        p.put("mqtt.keep.alive.s", "60");
        assertEquals(60, NodeConfig.fromMap(p).keepAliveSeconds());
        p.put("mqtt.keep.alive.s", "0");
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.fromMap(p));
        p.remove("mqtt.keep.alive.s");
        assertEquals("/run/go", e.holdUntil());
    }

    @Test
    void badValuesNameTheKey() {
        assertError(Map.of(), "node.id");
        assertError(Map.of("node.id", "a/b"), "node.id");
        assertError(Map.of("node.id", "n", "broker.port", "http"), "broker.port");
        assertError(Map.of("node.id", "n", "broker.port", "70000"), "broker.port");
        assertError(Map.of("node.id", "n", "executor", "cuda"), "executor");
        assertError(Map.of("node.id", "n", "workers", "0"), "workers");
        assertError(Map.of("node.id", "n", "queue.capacity", "-1"), "queue.capacity");
        assertError(Map.of("node.id", "n", "heartbeat.interval.ms", "5"), "heartbeat.interval.ms");
        assertError(Map.of("node.id", "n", "probe", "ture"), "probe");
        assertError(Map.of("node.id", "n", "topic.root", "a/#"), "topic.root");
        assertError(Map.of("node.id", "n", "threads", "99999999999"), "threads");
        assertError(Map.of("node.id", "n", "graph.cache", "0"), "graph.cache");
    }

    private static void assertError(Map<String, Object> p, String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.fromMap(p));
        assertTrue(e.getMessage().contains("'" + key + "'"), () -> "expected key " + key + " in: " + e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
