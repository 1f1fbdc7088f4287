package io.edgefuse.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgefuse.allocator.coordinator.CoordinatorConfig;
import io.edgefuse.allocator.coordinator.MqttCoordinator;
import io.edgefuse.allocator.coordinator.TopK;
import io.edgefuse.engine.tf.TfExecutor;
import io.edgefuse.model.Model;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.protocol.Answer;
import io.edgefuse.protocol.RequestDecoder;
import io.edgefuse.runtime.cluster.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Node processes on a broker, an in-process coordinator, and the local reference answer to compare with. */
final class ClusterFixture implements AutoCloseable {
    final Path dir;
    final Model model;
    final LocalCluster cluster;
    final MqttCoordinator coordinator;
    final TfExecutor local = new TfExecutor(1, 1);

    private ClusterFixture(Path dir, Model model, LocalCluster cluster, MqttCoordinator coordinator) {
        this.dir = dir;
        this.model = model;
        this.cluster = cluster;
        this.coordinator = coordinator;
    }

    /** host null: a new embedded broker. */
    static ClusterFixture start(String host, int port, int nodes) throws Exception {
        Path dir = Files.createTempDirectory("edgefuse-e2e");
        Path folder = E2eModel.write(dir);
        Model m = ModelFormat.read(folder);
        LocalCluster.NodeSpec spec = new LocalCluster.NodeSpec(List.of(folder.toString()), "tf", 1, 1, 64, false);
        LocalCluster c = host == null ? LocalCluster.start(nodes, spec) : LocalCluster.startOn(host, port, nodes, spec);
        MqttCoordinator.Settings s = MqttCoordinator.Settings.of(c.brokerHost(), c.brokerPort(), Map.of(m.name(), m));
        // layerwise splits every conv layer over all nodes, so killing any node hits tiles in flight and a
        // joining node gets work at once; edgefuse and aofl rightly keep so small a model on one node once
        // they have measured how fast the nodes are.
        MqttCoordinator co = new MqttCoordinator(s, CoordinatorConfig.defaults().withPlanner("layerwise").withTimeouts(60_000, 3_000)).start();
        ClusterFixture f = new ClusterFixture(dir, m, c, co);
        f.awaitOnline(nodes, 120_000);
        return f;
    }

    void awaitOnline(int n, long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (System.currentTimeMillis() < deadline) {
            if (coordinator.membership().online().stream().filter(x -> x.has(model.name(), model.version())).count() >= n) return;
            Thread.sleep(100);
        }
        StringBuilder sb = new StringBuilder("only " + coordinator.membership().online().size() + " of " + n + " nodes online");
        for (String id : cluster.nodeIds()) sb.append("\n--- ").append(id).append(" ---\n").append(cluster.logTail(id));
        throw new AssertionError(sb.toString());
    }

    /** The answer must be what this JVM computes for the same payload on one device. */
    void assertMatchesLocal(byte[] payload, JsonNode answer) {
        assertTrue(!answer.has("error"), () -> "error answer: " + answer);
        Tensor in = new RequestDecoder(16 << 20).decode(payload, model.input());
        List<Answer.Label> expected = TopK.of(local.runWhole(model, in), model.labels(), 5);
        JsonNode top = answer.path("top");
        assertEquals(expected.get(0).label(), top.get(0).path("label").asText(), "same top-1");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).score(), top.get(i).path("score").asDouble(), 1e-4, "score " + i);
        }
        assertEquals(model.version(), answer.path("modelVersion").asText());
    }

    @Override
    public void close() {
        coordinator.close();
        cluster.close();
        local.close();
    }
}
