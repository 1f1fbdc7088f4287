package io.edgefuse.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgefuse.allocator.coordinator.MqttCoordinator;
import io.edgefuse.model.Model;
import io.edgefuse.protocol.Answer;
import io.edgefuse.protocol.Topics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;

/** What the verbs that drive a cluster as a client do: wait for the nodes, then ask over MQTT 3.1.1. */
final class ClientRequests {
    private static final Topics TOPICS = Topics.defaults();

    private ClientRequests() {}

    /** True once {@code count} nodes are online with the model's version, false after {@code timeoutMs}. */
    static boolean awaitOnline(MqttCoordinator c, Model m, int count, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            long ready = c.membership().online().stream().filter(n -> n.has(m.name(), m.version())).count();
            if (ready >= count) return true;
            Thread.sleep(200);
        }
        return false;
    }

    /** One request with its id in the topic (MQTT 3.1.1 style); the parsed answer. */
    static JsonNode ask(MqttClient client, Model m, String id, byte[] png, long timeoutS) throws Exception {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        String resultTopic = TOPICS.results(m.name(), id);
        client.subscribe(resultTopic, 1, (topic, msg) -> answer.complete(msg.getPayload()));
        client.publish(TOPICS.infer(m.name(), id), png, 1, false);
        try {
            return Answer.parse(answer.get(timeoutS, TimeUnit.SECONDS));
        } finally {
            client.unsubscribe(resultTopic);
        }
    }
}
