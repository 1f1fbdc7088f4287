package io.edgefuse.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.testing.RandomGraphs;
import io.edgefuse.node.testing.GateExecutor;
import io.edgefuse.node.testing.MqttProbe;
import io.edgefuse.node.testing.TcpProxy;
import io.edgefuse.broker.EmbeddedBroker;
import io.edgefuse.node.testing.TestModels;
import io.edgefuse.protocol.ErrorCode;
import io.edgefuse.protocol.ResultFrame;
import io.edgefuse.protocol.TaskFrame;
import io.edgefuse.protocol.Topics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.nio.file.Path;
import io.edgefuse.model.io.ModelFormat;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertThrows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real node against a real broker (embedded HiveMQ CE on loopback), observed by a separate MQTT client. */
class EdgeNodeMqttTest {
    private static final Topics TOPICS = Topics.defaults();
    private static EmbeddedBroker broker;

    private final Model model = TestModels.tiny(7);
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.startOnLoopback();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) broker.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) opened.get(i).close();
    }

    private EdgeNode node(String id, Executor ex, int port, UnaryOperator<NodeConfig.Builder> tweak) throws Exception {
        ModelStore store = new ModelStore();
        store.add(model);
        NodeConfig cfg = tweak.apply(NodeConfig.builder(id).brokerPort(port).executor("java").probe(false)).build();
        EdgeNode n = EdgeNode.start(cfg, ex, store);
        opened.add(n);
        long end = System.currentTimeMillis() + 10_000;
        while (!n.online() && System.currentTimeMillis() < end) Thread.sleep(20);
        return n;
    }

    private EdgeNode node(String id) throws Exception {
        EdgeNode n = node(id, new JavaExecutor(), broker.port(), b -> b);
        assertTrue(n.online(), "node did not come online");
        return n;
    }

    private MqttProbe probe(String id) throws Exception {
        MqttProbe p = new MqttProbe(broker.port(), id);
        opened.add(p);
        return p;
    }

    private static ResultFrame result(MqttProbe.Msg m) {
        assertNotNull(m, "no result arrived");
        return ResultFrame.decode(m.payload());
    }

    @Test
    void announcesItselfOnlineRetainedWithCapacityAndModels() throws Exception {
        node("n-status");
        MqttProbe p = probe("t-status").subscribe(TOPICS.nodeStatus("n-status"));
        MqttProbe.Msg m = p.next(TOPICS.nodeStatus("n-status"), 5_000);
        assertNotNull(m, "no retained status");
        assertTrue(m.retained());
        JsonObject s = m.json();
        assertEquals(true, s.getBoolean("online"));
        assertTrue(s.getLong("seq") > 0);
        assertEquals("java", s.getString("engine"));
        assertEquals(System.getProperty("os.arch"), s.getString("arch"));
        assertEquals(Runtime.getRuntime().availableProcessors(), s.getInteger("cores"));
        assertTrue(s.getLong("memoryBytes") > 0);
        JsonObject gflops = s.getJsonObject("capacity").getJsonObject("gflops");
        for (String k : List.of("conv", "depthwise", "pool", "dense", "elementwise")) assertTrue(gflops.getDouble(k) > 0, k);
        assertTrue(s.getJsonObject("capacity").getDouble("layerOverheadMs") >= 0);
        assertEquals(false, s.getJsonObject("capacity").getBoolean("measured"), "probe was off");
        assertEquals(new JsonArray().add(new JsonObject().put("name", "tiny").put("version", model.version()).put("active", true)), s.getJsonArray("models"));
    }

    @Test
    void heartbeatsArriveAboutEverySecond() throws Exception {
        node("n-beat");
        MqttProbe p = probe("t-beat").subscribe(TOPICS.nodeHeartbeat("n-beat"));
        List<MqttProbe.Msg> beats = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            MqttProbe.Msg m = p.next(TOPICS.nodeHeartbeat("n-beat"), 2_500);
            assertNotNull(m, "heartbeat " + i + " missing");
            beats.add(m);
        }
        long prevSeq = 0;
        for (int i = 0; i < beats.size(); i++) {
            JsonObject h = beats.get(i).json();
            for (String k : List.of("seq", "load", "queueDepth", "throughputGflops", "freeMemoryBytes", "models", "ts")) assertTrue(h.containsKey(k), k);
            assertTrue(h.getLong("seq") > prevSeq);
            prevSeq = h.getLong("seq");
            assertEquals(0, h.getInteger("queueDepth"));
            assertEquals(model.version(), h.getJsonArray("models").getJsonObject(0).getString("version"));
            if (i > 0) {
                long gap = h.getLong("ts") - beats.get(i - 1).json().getLong("ts");
                assertTrue(gap >= 700 && gap <= 1_500, "heartbeat gap " + gap + " ms");
            }
        }
    }

    @Test
    void answersTasksAndSurvivesMalformedOnes() throws Exception {
        node("n-task");
        String results = TOPICS.nodeResults("n-task"), tasks = TOPICS.nodeTasks("n-task");
        MqttProbe p = probe("t-task").subscribe(results);
        Tensor x = RandomGraphs.input(model, 11);
        TaskFrame good = TestModels.tile(model, "req", "good", 0, 3, x, 2, 4, 0);
        byte[] goodBytes = TestModels.encode(good);

        byte[] junk = new byte[300];
        new Random(1).nextBytes(junk);
        p.publish(tasks, junk);
        p.publish(tasks, Arrays.copyOf(TestModels.encode(TestModels.tile(model, "req", "truncated", 0, 3, x, 0, 2, 0)), goodBytes.length - 10));
        p.publish(tasks, TestModels.encode(new TaskFrame("req", "old-version", "tiny", "f".repeat(64), 0, 3, good.inputRegion(), good.outputRegion(), 0, good.input())));
        p.publish(tasks, TestModels.encode(new TaskFrame("req", "wrong-shape", "tiny", model.version(), 0, 3, null, good.outputRegion(), 0, Tensor.zeros(16, 16, 5))));
        p.publish(tasks, goodBytes);

        Map<String, ResultFrame> byTask = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            ResultFrame r = result(p.next(results, 10_000));
            byTask.put(r.task(), r);
        }
        assertEquals(ErrorCode.BAD_FRAME, byTask.get("truncated").error());
        assertEquals(ErrorCode.UNKNOWN_MODEL, byTask.get("old-version").error());
        assertEquals(ErrorCode.WRONG_SHAPE, byTask.get("wrong-shape").error());
        ResultFrame ok = byTask.get("good");
        assertFalse(ok.isError(), () -> ok.error() + ": " + ok.errorMessage());
        assertEquals("n-task", ok.node());
        Tensor want = new JavaExecutor().run(model, Stage.of(model, 0, 3), new RegionTensor(good.inputRegion(), good.input()), good.outputRegion());
        assertArrayEquals(want.shape(), ok.output().shape());
        assertArrayEquals(want.data(), ok.output().data());
        assertNull(p.next(results, 300), "the random bytes must not produce a result");

        // still serving
        p.publish(tasks, TestModels.encode(TestModels.tile(model, "req2", "after", 0, 3, x, 0, 1, 0)));
        ResultFrame after = result(p.next(results, 10_000));
        assertEquals("after", after.task());
        assertFalse(after.isError());
    }

    @Test
    void fullQueueIsAnsweredBusy() throws Exception {
        GateExecutor gate = new GateExecutor();
        EdgeNode n = node("n-busy", gate, broker.port(), b -> b.workers(1).queueCapacity(1));
        assertTrue(n.online());
        MqttProbe.Msg status = probe("t-busy-status").subscribe(TOPICS.nodeStatus("n-busy")).next(TOPICS.nodeStatus("n-busy"), 5_000);
        assertEquals(2, status.json().getInteger("taskSlots"), "the status says how many tasks the node holds: workers + queue");
        String results = TOPICS.nodeResults("n-busy");
        MqttProbe p = probe("t-busy").subscribe(results);
        Tensor x = RandomGraphs.input(model, 3);
        for (int i = 1; i <= 4; i++) p.publish(TOPICS.nodeTasks("n-busy"), TestModels.encode(TestModels.tile(model, "r", "t" + i, 0, 2, x, 0, 8, 0)));
        // t1 computes (held at the gate), t2 waits in the queue of one, t3 and t4 are refused at once
        assertEquals(ErrorCode.BUSY, result(p.next(results, 5_000)).error());
        assertEquals(ErrorCode.BUSY, result(p.next(results, 5_000)).error());
        gate.open();
        ResultFrame a = result(p.next(results, 10_000)), b = result(p.next(results, 10_000));
        assertEquals(List.of("t1", "t2"), List.of(a.task(), b.task()));
        assertFalse(a.isError());
        assertFalse(b.isError());
    }

    @Test
    void nodeMainLoadsConfiguredModelFolders(@TempDir Path dir) throws Exception {
        ModelFormat.write(model, dir.resolve("tiny"));
        NodeConfig cfg = NodeConfig.fromMap(Map.of("node.id", "n-main", "broker.port", String.valueOf(broker.port()),
                "executor", "java", "probe", "false", "models", dir.resolve("tiny").toString()));
        MqttProbe p = probe("t-main").subscribe(TOPICS.nodeStatus("n-main"));
        EdgeNode n = NodeMain.start(cfg);
        opened.add(n);
        MqttProbe.Msg m = p.next(s -> s.json().getBoolean("online"), 10_000);
        assertNotNull(m, "n-main never came online");
        assertEquals(model.version(), m.json().getJsonArray("models").getJsonObject(0).getString("version"));

        NodeConfig bad = NodeConfig.builder("n-bad").brokerPort(broker.port()).executor("java").probe(false).models(List.of("no-such-model")).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeMain.start(bad));
        assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
    }

    @Test
    void closeLeavesRetainedStatusOffline() throws Exception {
        EdgeNode n = node("n-close");
        MqttProbe live = probe("t-close-live").subscribe(TOPICS.nodeStatus("n-close"));
        assertEquals(true, live.next(TOPICS.nodeStatus("n-close"), 5_000).json().getBoolean("online"));
        n.close();
        MqttProbe.Msg bye = live.next(TOPICS.nodeStatus("n-close"), 5_000);
        assertNotNull(bye);
        assertEquals(false, bye.json().getBoolean("online"));
        MqttProbe later = probe("t-close-later").subscribe(TOPICS.nodeStatus("n-close"));
        MqttProbe.Msg retained = later.next(TOPICS.nodeStatus("n-close"), 5_000);
        assertTrue(retained.retained());
        assertEquals(false, retained.json().getBoolean("online"));
    }

    @Test
    void lostConnectionTriggersLastWillThenReconnects() throws Exception {
        TcpProxy proxy = new TcpProxy(broker.port());
        opened.add(proxy);
        EdgeNode n = node("n-will", new JavaExecutor(), proxy.port(), b -> b);
        assertTrue(n.online());
        String status = TOPICS.nodeStatus("n-will");
        MqttProbe live = probe("t-will").subscribe(status);
        assertEquals(true, live.next(status, 5_000).json().getBoolean("online"));

        proxy.refuse(true);
        proxy.cut();
        MqttProbe.Msg will = live.next(status, 10_000);
        assertNotNull(will, "no Last Will");
        assertEquals(false, will.json().getBoolean("online"));
        MqttProbe fresh = probe("t-will-fresh").subscribe(status);
        MqttProbe.Msg retained = fresh.next(status, 5_000);
        assertTrue(retained.retained());
        assertEquals(false, retained.json().getBoolean("online"), "the will must be retained");

        Thread.sleep(600); // a few refused reconnect attempts
        assertFalse(n.online());
        proxy.refuse(false);
        MqttProbe.Msg back = live.next(m -> m.json().getBoolean("online"), 15_000);
        assertNotNull(back, "node did not reconnect");
        assertTrue(back.json().getLong("seq") > will.json().getLong("seq"));

        MqttProbe p = probe("t-will-task").subscribe(TOPICS.nodeResults("n-will"));
        p.publish(TOPICS.nodeTasks("n-will"), TestModels.encode(TestModels.tile(model, "r", "after-reconnect", 0, 2, RandomGraphs.input(model, 1), 0, 8, 0)));
        assertFalse(result(p.next(TOPICS.nodeResults("n-will"), 10_000)).isError());
    }
}
