package io.edgefuse.runtime.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgefuse.protocol.Answer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** Clients as users write them: Paho v3 (request id in the topic) and Paho v5 (Response Topic + Correlation Data). */
final class MqttAnswers implements AutoCloseable {
    private final org.eclipse.paho.client.mqttv3.MqttClient v3;
    private final org.eclipse.paho.mqttv5.client.MqttClient v5;
    private final Map<String, CompletableFuture<JsonNode>> byCorrelation = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> byTopic = new ConcurrentHashMap<>();
    private final String replyTopic;

    MqttAnswers(String uri, String name) throws Exception {
        v3 = new org.eclipse.paho.client.mqttv3.MqttClient(uri, name + "-v3", new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        org.eclipse.paho.client.mqttv3.MqttConnectOptions o3 = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        o3.setCleanSession(true);
        o3.setMaxInflight(200);
        v3.connect(o3);
        v3.subscribe("edgefuse/v1/results/#", 1, (topic, msg) -> {
            CompletableFuture<JsonNode> f = byTopic.remove(topic);
            if (f != null) f.complete(Answer.parse(msg.getPayload()));
        });
        v5 = new org.eclipse.paho.mqttv5.client.MqttClient(uri, name + "-v5", new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        replyTopic = "apps/" + name + "/answers";
        v5.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage m) {
                byte[] c = m.getProperties().getCorrelationData();
                CompletableFuture<JsonNode> f = c == null ? null : byCorrelation.remove(new String(c, StandardCharsets.UTF_8));
                if (f != null) f.complete(Answer.parse(m.getPayload()));
            }

            @Override
            public void disconnected(MqttDisconnectResponse r) {}

            @Override
            public void mqttErrorOccurred(MqttException e) {}

            @Override
            public void deliveryComplete(IMqttToken t) {}

            @Override
            public void connectComplete(boolean reconnect, String uri) {}

            @Override
            public void authPacketArrived(int reason, MqttProperties p) {}
        });
        org.eclipse.paho.mqttv5.client.MqttConnectionOptions o5 = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        o5.setCleanStart(true);
        v5.connect(o5);
        v5.subscribe(replyTopic, 1);
    }

    /** MQTT 3.1.1: publish on infer/{model}/{id}, answer on results/{model}/{id}. */
    CompletableFuture<JsonNode> askV3(String model, String id, byte[] payload) throws Exception {
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        byTopic.put("edgefuse/v1/results/" + model + "/" + id, f);
        v3.publish("edgefuse/v1/infer/" + model + "/" + id, payload, 1, false);
        return f;
    }

    /** MQTT 5: publish on infer/{model} with a response topic and correlation data. */
    CompletableFuture<JsonNode> askV5(String model, String correlation, byte[] payload) throws Exception {
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        byCorrelation.put(correlation, f);
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        MqttProperties p = new MqttProperties();
        p.setResponseTopic(replyTopic);
        p.setCorrelationData(correlation.getBytes(StandardCharsets.UTF_8));
        m.setProperties(p);
        v5.publish("edgefuse/v1/infer/" + model, m);
        return f;
    }

    static JsonNode get(CompletableFuture<JsonNode> f) throws Exception {
        return f.get(120, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        v3.disconnect();
        v3.close();
        v5.disconnect();
        v5.close();
    }
}
