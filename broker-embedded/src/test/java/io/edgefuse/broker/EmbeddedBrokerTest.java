package io.edgefuse.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/** The embedded broker serves a real MQTT client (Paho) on loopback, carries large payloads, and stops. */
class EmbeddedBrokerTest {
    @Test
    void pahoPublishesAndReceivesAOneMegabyteMessageThenTheBrokerIsGone() throws Exception {
        int port;
        try (EmbeddedBroker broker = EmbeddedBroker.startOnLoopback()) {
            port = broker.port();
            assertEquals("127.0.0.1", broker.host());
            MqttClient c = new MqttClient(broker.uri(), "test-client", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            c.connect(o);
            CompletableFuture<byte[]> got = new CompletableFuture<>();
            c.subscribe("edgefuse/test/#", 1, (topic, msg) -> got.complete(msg.getPayload()));
            byte[] payload = new byte[1 << 20];
            for (int i = 0; i < payload.length; i++) payload[i] = (byte) i;
            c.publish("edgefuse/test/big", payload, 1, false);
            assertArrayEquals(payload, got.get(20, TimeUnit.SECONDS));
            c.disconnect();
            c.close();
        }
        int p = port;
        assertThrows(java.io.IOException.class, () -> new Socket("127.0.0.1", p).close(), "nothing listens after close");
    }
}
