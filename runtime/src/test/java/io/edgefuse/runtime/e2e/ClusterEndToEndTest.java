package io.edgefuse.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.coordinator.CoordinatorConfig;
import io.edgefuse.allocator.coordinator.Membership;
import io.edgefuse.allocator.coordinator.MessagePathEstimate;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.protocol.DType;
import io.edgefuse.protocol.Frames;
import io.edgefuse.runtime.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The product end to end on the embedded HiveMQ broker: node processes, the coordinator, and Paho
 * clients as users would write them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ClusterFixture f;
    private static MqttAnswers client;

    @BeforeAll
    static void start() throws Exception {
        f = ClusterFixture.start(null, 0, 3);
        client = new MqttAnswers(f.cluster.brokerUri(), "e2e");
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) client.close();
        if (f != null) f.close();
    }

    @Test
    @Order(1)
    void answersOverMqtt311AndMqtt5EqualLocalInference() throws Exception {
        for (int i = 0; i < 4; i++) {
            byte[] img = E2eModel.png(i);
            f.assertMatchesLocal(img, MqttAnswers.get(client.askV3(f.model.name(), "v3-" + i, img)));
            JsonNode a5 = MqttAnswers.get(client.askV5(f.model.name(), "v5-" + i, img));
            f.assertMatchesLocal(img, a5);
            assertEquals("v5-" + i, a5.path("requestId").asText());
        }
    }

    @Test
    @Order(2)
    void theInferAndStatusVerbsTalkToTheRunningCluster() throws Exception {
        String broker = f.cluster.brokerHost() + ":" + f.cluster.brokerPort();
        byte[] img = E2eModel.png(2);
        Path file = f.dir.resolve("cli-request.png");
        Files.write(file, img);
        CliRun answer = CliRun.run("infer", "--broker", broker, "--model", f.model.name(), "--image", file.toString(), "--json");
        assertEquals(0, answer.code(), answer.err());
        f.assertMatchesLocal(img, JSON.readTree(answer.out()));

        CliRun status = CliRun.run("status", "--broker", broker, "--json");
        assertEquals(0, status.code(), status.err());
        JsonNode nodes = JSON.readTree(status.out());
        for (String id : f.cluster.nodeIds()) assertTrue(nodes.has(id), () -> id + " missing from " + status.out());

        CliRun badRoot = CliRun.run("infer", "--broker", broker, "--root", "edgefuse/#", "--model", f.model.name(), "--image", file.toString());
        assertEquals(3, badRoot.code(), badRoot.err());
        assertTrue(badRoot.err().contains("--root"), badRoot.err());
    }

    @Test
    @Order(3)
    void everyBadInputGetsAnErrorAnswerAndTheNextRequestIsServed() throws Exception {
        byte[] jpeg = E2eModel.png(1);
        byte[] random = new byte[5000];
        new java.util.Random(3).nextBytes(random);
        Tensor wrong = Tensor.random(1, -1, 1, 47, 48, 3);
        Object[][] cases = {
            {"empty", new byte[0], "bad_request"},
            {"random", random, "bad_request"},
            {"truncated", Arrays.copyOf(jpeg, jpeg.length / 3), "bad_image"},
            {"huge", new byte[20 << 20], "payload_too_large"},
            {"shape", Frames.encode(Frames.header(), wrong, DType.FLOAT32), "wrong_shape"},
        };
        for (Object[] c : cases) {
            JsonNode a = MqttAnswers.get(client.askV3(f.model.name(), "bad-" + c[0], (byte[]) c[1]));
            assertEquals(c[2], a.path("error").path("code").asText(), c[0] + ": " + a);
        }
        JsonNode unknown = MqttAnswers.get(client.askV3("nosuchmodel", "bad-model", jpeg));
        assertEquals("unknown_model", unknown.path("error").path("code").asText());
        f.assertMatchesLocal(jpeg, MqttAnswers.get(client.askV5(f.model.name(), "after-bad", jpeg)));
    }

    @Test
    @Order(4)
    void fiftyRequestsInFlightSurviveANodeKilledWithSigkill() throws Exception {
        List<byte[]> imgs = new ArrayList<>();
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            imgs.add(E2eModel.png(100 + i));
            answers.add(i % 2 == 0 ? client.askV3(f.model.name(), "burst-" + i, imgs.get(i)) : client.askV5(f.model.name(), "burst-" + i, imgs.get(i)));
            if (i == 10) f.cluster.kill("n2");
        }
        for (int i = 0; i < 50; i++) f.assertMatchesLocal(imgs.get(i), MqttAnswers.get(answers.get(i)));
        f.awaitOnline(2, 10_000);
        assertTrue(f.coordinator.membership().get("n2") == null || !f.coordinator.membership().get("n2").online(), "n2 is known to be gone");
    }

    @Test
    @Order(5)
    void aNodeThatJoinsMidStreamGetsTilesAfterwards() throws Exception {
        f.cluster.startNode("n9");
        Set<String> used = new HashSet<>();
        long deadline = System.currentTimeMillis() + 120_000;
        int i = 0;
        while (!used.contains("n9") && System.currentTimeMillis() < deadline) {
            byte[] img = E2eModel.png(300 + i);
            JsonNode a = MqttAnswers.get(client.askV5(f.model.name(), "join-" + i++, img));
            f.assertMatchesLocal(img, a);
            for (JsonNode st : a.path("plan").path("stages")) for (JsonNode t : st.path("tiles")) used.add(t.path("node").asText());
            Thread.sleep(200);
        }
        assertTrue(used.contains("n9"), "the joined node n9 got tiles; nodes used: " + used);
    }

    /** Nodes and how many stages of the answer's plan each had tiles in, and how many tiles. */
    private static void count(JsonNode answer, Map<String, Integer> stages, Map<String, Integer> tiles) {
        for (JsonNode st : answer.path("plan").path("stages")) {
            Set<String> in = new HashSet<>();
            for (JsonNode t : st.path("tiles")) {
                in.add(t.path("node").asText());
                tiles.merge(t.path("node").asText(), 1, Integer::sum);
            }
            for (String n : in) stages.merge(n, 1, Integer::sum);
        }
    }

    private static int samples(Map<String, MessagePathEstimate> m, String node) {
        MessagePathEstimate e = m.get(node);
        return e == null ? 0 : e.samples();
    }

    @Test
    @Order(6)
    void theCoordinatorLearnsEachNodesMessagePathFromTheTilesThatDidNotQueue() throws Exception {
        Membership mem = f.coordinator.membership();
        // One request at a time: every node's first tile of every stage is a sample, its later ones (queued
        // behind the first) are not.
        Map<String, MessagePathEstimate> before = mem.messagePaths();
        Map<String, Integer> stages = new HashMap<>(), tiles = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            byte[] img = E2eModel.png(400 + i);
            JsonNode a = MqttAnswers.get(client.askV3(f.model.name(), "learn-" + i, img));
            f.assertMatchesLocal(img, a);
            count(a, stages, tiles);
        }
        Map<String, MessagePathEstimate> after = mem.messagePaths();
        assertFalse(stages.isEmpty());
        for (Map.Entry<String, Integer> e : stages.entrySet()) {
            assertEquals(e.getValue(), samples(after, e.getKey()) - samples(before, e.getKey()), "samples of " + e.getKey() + " (tiles " + tiles + ")");
        }
        // Many requests at once: a node has other tiles outstanding when most of its tiles are sent, so far
        // fewer samples than tiles.
        Map<String, Integer> burstStages = new HashMap<>(), burstTiles = new HashMap<>();
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        List<byte[]> imgs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            imgs.add(E2eModel.png(500 + i));
            answers.add(client.askV3(f.model.name(), "learn-burst-" + i, imgs.get(i)));
        }
        for (int i = 0; i < 10; i++) {
            JsonNode a = MqttAnswers.get(answers.get(i));
            f.assertMatchesLocal(imgs.get(i), a);
            count(a, burstStages, burstTiles);
        }
        Map<String, MessagePathEstimate> end = mem.messagePaths();
        int sampled = 0, sent = 0;
        for (String n : burstTiles.keySet()) {
            sampled += samples(end, n) - samples(after, n);
            sent += burstTiles.get(n);
        }
        assertTrue(sampled < sent / 2, sampled + " samples from " + sent + " tiles of 10 concurrent requests");
        // Plans use the learned figures: plausible for loopback, and what the cluster gives the planner.
        Cluster c = mem.cluster(f.model.name(), f.model.version(), CoordinatorConfig.defaults().link());
        int used = 0;
        for (ClusterNode n : c.nodes()) {
            MessagePathEstimate e = end.get(n.name());
            if (e == null || !e.learned()) continue;
            used++;
            assertTrue(e.fixedMs() >= 0 && e.fixedMs() < 1000 && e.perMbMs() >= 0 && e.perMbMs() < 10_000, n.name() + ": " + e);
            assertEquals(e.fixedMs(), n.device().messageOverheadMs(), 1e-9, n.name());
            assertEquals(e.perMbMs(), n.device().messageMsPerMb(), 1e-9, n.name());
        }
        assertTrue(used >= 2, "learned for at least two online nodes: " + end);
    }
}
