package io.edgefuse.osgi.framework;

import io.edgefuse.broker.EmbeddedBroker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.region.StageGeometry;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.osgi.FelixLauncher;
import io.edgefuse.osgi.LauncherConfig;
import io.edgefuse.osgi.StartReport;
import io.edgefuse.protocol.Answer;
import io.edgefuse.protocol.DType;
import io.edgefuse.protocol.Frames;
import io.edgefuse.protocol.ResultFrame;
import io.edgefuse.protocol.TaskFrame;
import io.edgefuse.protocol.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge node and the coordinator as DS components inside one Felix (dist/bundles), configured only
 * through {@code .cfg} files in the launcher's conf folder; the broker and the MQTT client of the test
 * run outside the framework, on 127.0.0.1.
 */
class ServicesInFelixTest {
    private static final Topics TOPICS = Topics.defaults();

    @TempDir
    Path work;

    @Test
    void nodeFromACfgFileAnswersATaskAndGoesOfflineWhenTheFileIsDeleted() throws Exception {
        Model model = tinyModel();
        Path modelDir = work.resolve("models/tiny");
        ModelFormat.write(model, modelDir);
        Path conf = Files.createDirectories(work.resolve("conf"));
        String status = TOPICS.nodeStatus("gw-1"), results = TOPICS.nodeResults("gw-1");

        try (EmbeddedBroker broker = EmbeddedBroker.startOnLoopback();
             TopicWatcher mqtt = new TopicWatcher(broker.port(), "test-node-watcher").subscribe(status, results)) {
            Path cfg = writeCfg(conf, "io.edgefuse.node", nodeCfg("gw-1", broker.port(), modelDir));
            FelixLauncher felix = launch(conf);
            try {
                TopicWatcher.Msg online = mqtt.next(status, m -> json(m).path("online").asBoolean(false), 30_000);
                assertNotNull(online, "no retained status online:true for gw-1\n" + felix.report());
                assertTrue(json(online).path("models").toString().contains(model.version()), json(online).toString());
                assertRetainedStatus(broker, status, true);

                Tensor x = Tensor.random(21, 0f, 1f, 16, 16, 3);
                TaskFrame task = tile(model, "req-1", "rows-2-4", 0, 3, x, 2, 4);
                mqtt.publish(TOPICS.nodeTasks("gw-1"), task.encode(DType.FLOAT32));
                TopicWatcher.Msg reply = mqtt.next(results, m -> true, 30_000);
                assertNotNull(reply, "no result frame from gw-1");
                ResultFrame r = ResultFrame.decode(reply.payload());
                assertFalse(r.isError(), () -> r.error() + ": " + r.errorMessage());
                assertEquals("rows-2-4", r.task());
                assertEquals("gw-1", r.node());
                Tensor want = new JavaExecutor().run(model, Stage.of(model, 0, 3), new RegionTensor(task.inputRegion(), task.input()), task.outputRegion());
                assertArrayEquals(want.shape(), r.output().shape());
                assertArrayEquals(want.data(), r.output().data(), 1e-5f);

                Files.delete(cfg);
                TopicWatcher.Msg offline = mqtt.next(status, m -> !json(m).path("online").asBoolean(true), 30_000);
                assertNotNull(offline, "deleting io.edgefuse.node.cfg must stop the node (status online:false)\n" + felix.report());
                assertRetainedStatus(broker, status, false);
            } finally {
                assertTrue(felix.stop(Duration.ofSeconds(30)), "framework did not stop");
            }
        }
    }

    @Test
    void coordinatorAndNodeAnswerARequestInsideOneFramework() throws Exception {
        Model model = tinyModel();
        Path modelDir = work.resolve("models/tiny");
        ModelFormat.write(model, modelDir);
        Path conf = Files.createDirectories(work.resolve("conf"));
        String answers = TOPICS.results(model.name(), "r-42");

        try (EmbeddedBroker broker = EmbeddedBroker.startOnLoopback();
             TopicWatcher mqtt = new TopicWatcher(broker.port(), "test-user").subscribe(TOPICS.nodeStatus("gw-2"), answers)) {
            writeCfg(conf, "io.edgefuse.node", nodeCfg("gw-2", broker.port(), modelDir));
            Map<String, String> coordinator = new LinkedHashMap<>();
            coordinator.put("broker.host", EmbeddedBroker.LOOPBACK);
            coordinator.put("broker.port", Integer.toString(broker.port()));
            coordinator.put("topic.root", "edgefuse/v1");
            coordinator.put("models", modelDir.toString());
            coordinator.put("planner", "edgefuse");
            coordinator.put("link", "eth1g");
            coordinator.put("max.request.bytes", "1048576");
            writeCfg(conf, "io.edgefuse.coordinator", coordinator);
            FelixLauncher felix = launch(conf);
            try {
                assertNotNull(mqtt.next(TOPICS.nodeStatus("gw-2"), m -> json(m).path("online").asBoolean(false), 30_000),
                        "node gw-2 not online\n" + felix.report());
                waitForComponent(felix, "io.edgefuse.allocator.coordinator.CoordinatorComponent ACTIVE");

                Tensor x = Tensor.random(42, 0f, 1f, 16, 16, 3);
                JsonNode answer = null;
                // The coordinator learns the node from its retained status and heartbeats (1 s): until
                // then it answers no_nodes, which is right, so ask again; any other answer is final.
                for (int attempt = 0; attempt < 20; attempt++) {
                    mqtt.publish(TOPICS.infer(model.name(), "r-42"), Frames.encode(Frames.header(), x, DType.FLOAT32));
                    TopicWatcher.Msg m = mqtt.next(answers, msg -> true, 30_000);
                    assertNotNull(m, "no answer on " + answers + "\n" + felix.report());
                    answer = json(m);
                    if (!"no_nodes".equals(answer.path("error").path("code").asText())) break;
                    Thread.sleep(500);
                }
                assertNotNull(answer);
                assertFalse(answer.has("error"), answer.toString());
                assertEquals("r-42", answer.path("requestId").asText());
                assertEquals(model.version(), answer.path("modelVersion").asText());

                float[] expected = new JavaExecutor().runWhole(model, x).data();
                JsonNode top = answer.path("top");
                assertEquals(expected.length, top.size(), answer.toString());
                float max = 0;
                for (float v : expected) max = Math.max(max, Math.abs(v));
                for (JsonNode t : top) {
                    int i = model.labels().indexOf(t.path("label").asText());
                    assertTrue(i >= 0, "unknown label in " + t);
                    assertEquals(expected[i], t.path("score").asDouble(), 1e-4 * Math.max(1, max), t.toString());
                }
                assertEquals(model.labels().get(argmax(expected)), top.get(0).path("label").asText(), answer.toString());
                assertTrue(answer.path("plan").path("stages").toString().contains("gw-2"), "the plan must use the node: " + answer);
            } finally {
                assertTrue(felix.stop(Duration.ofSeconds(30)), "framework did not stop");
            }
        }
    }

    // ---- helpers ----

    private FelixLauncher launch(Path conf) throws Exception {
        FelixLauncher felix = new FelixLauncher(LauncherConfig.storage(work.resolve("cache"))
                .bundleDir(Dist.dir().resolve("bundles")).confDir(conf).confPoll(Duration.ofMillis(100)));
        StartReport report = felix.start();
        if (!report.ok()) felix.stop(Duration.ofSeconds(30));
        assertTrue(report.ok(), report.toString());
        return felix;
    }

    private static void waitForComponent(FelixLauncher felix, String line) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (felix.report().components().stream().noneMatch(c -> c.endsWith(line)) && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(felix.report().components().stream().anyMatch(c -> c.endsWith(line)), felix.report().toString());
    }

    /** A client that subscribes now gets the broker's retained status (a live forward carries no retain flag). */
    private static void assertRetainedStatus(EmbeddedBroker broker, String topic, boolean online) throws Exception {
        try (TopicWatcher late = new TopicWatcher(broker.port(), "test-late-subscriber").subscribe(topic)) {
            TopicWatcher.Msg m = late.next(topic, x -> true, 10_000);
            assertNotNull(m, "no retained message on " + topic);
            assertTrue(m.retained(), "not retained: " + topic);
            assertEquals(online, json(m).path("online").asBoolean(!online), json(m).toString());
        }
    }

    private static Map<String, String> nodeCfg(String id, int port, Path models) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("node.id", id);
        p.put("broker.host", EmbeddedBroker.LOOPBACK);
        p.put("broker.port", Integer.toString(port));
        p.put("executor", "java");
        p.put("probe", "false");
        p.put("models", models.toString());
        return p;
    }

    /** Written to a temp name and moved, so FileInstall never reads half a file. */
    private static Path writeCfg(Path conf, String pid, Map<String, String> props) throws Exception {
        StringBuilder sb = new StringBuilder();
        // Java properties syntax: a backslash in a Windows path would need escaping; these are POSIX paths.
        props.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        Path tmp = conf.resolve(pid + ".tmp");
        Files.writeString(tmp, sb.toString());
        return Files.move(tmp, conf.resolve(pid + ".cfg"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static JsonNode json(TopicWatcher.Msg m) {
        return Answer.parse(m.payload());
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /** conv 3x3, relu, maxpool 2x2, conv 3x3 stride 2, global pool, dense: small enough for the Java executor. */
    static Model tinyModel() {
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("c1.weight", Tensor.random(1, -0.5f, 0.5f, 3, 3, 3, 8));
        w.put("c1.bias", Tensor.random(2, -0.1f, 0.1f, 8));
        w.put("c2.weight", Tensor.random(3, -0.5f, 0.5f, 3, 3, 8, 6));
        w.put("c2.bias", Tensor.random(4, -0.1f, 0.1f, 6));
        w.put("d.weight", Tensor.random(5, -0.5f, 0.5f, 6, 4));
        w.put("d.bias", Tensor.random(6, -0.1f, 0.1f, 4));
        List<Node> nodes = List.of(
                Node.of("c1", new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 8, 1, true), "input"),
                Node.of("r1", new Op.Relu(), "c1"),
                Node.of("p1", new Op.MaxPool(2, 2, 2, 2, Padding.VALID), "r1"),
                Node.of("c2", new Op.Conv2D(3, 3, 2, 2, Padding.SAME, 6, 1, true), "p1"),
                Node.of("g", new Op.GlobalAvgPool(), "c2"),
                Node.of("d", new Op.Dense(4, true), "g"));
        return new Model("tiny", InputSpec.of(16, 16, 3), List.of("shirt", "boot", "bag", "coat"), nodes, "d", w);
    }

    /** A task for rows [top, bottom) of stage [first, last]'s output, carrying exactly the input region it needs. */
    static TaskFrame tile(Model m, String request, String task, int first, int last, Tensor stageInput, int top, int bottom) {
        Stage s = Stage.of(m, first, last);
        Region out = new Region(top, bottom, 0, m.shape(last).w());
        Region in = StageGeometry.of(m, s, out).inputRegion();
        return new TaskFrame(request, task, m.name(), m.version(), first, last, in, out, 0, RegionTensor.whole(stageInput).crop(in));
    }
}
