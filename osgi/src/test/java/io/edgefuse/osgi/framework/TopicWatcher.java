package io.edgefuse.osgi.framework;

import io.edgefuse.broker.EmbeddedBroker;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The test's side of the broker: a Paho MQTT 3.1.1 client (one nobody here wrote, as a user would have)
 * that keeps every message it receives in a queue per topic.
 */
final class TopicWatcher implements AutoCloseable {
    record Msg(String topic, byte[] payload, boolean retained) {}

    private final MqttClient client;
    private final Map<String, BlockingQueue<Msg>> received = new ConcurrentHashMap<>();

    TopicWatcher(int port, String clientId) throws Exception {
        client = new MqttClient("tcp://" + EmbeddedBroker.LOOPBACK + ":" + port, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {}

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                queue(topic).add(new Msg(topic, m.getPayload(), m.isRetained()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
        });
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        client.connect(o);
    }

    TopicWatcher subscribe(String... topics) throws Exception {
        for (String t : topics) client.subscribe(t, 1);
        return this;
    }

    void publish(String topic, byte[] payload) throws Exception {
        client.publish(topic, payload, 1, false);
    }

    void publishRetained(String topic, byte[] payload) throws Exception {
        client.publish(topic, payload, 1, true);
    }

    /** The next message on this topic that matches, skipping others; null after the timeout. */
    Msg next(String topic, Predicate<Msg> wanted, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        BlockingQueue<Msg> q = queue(topic);
        for (long left = timeoutMs; left > 0; left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
            Msg m = q.poll(left, TimeUnit.MILLISECONDS);
            if (m != null && wanted.test(m)) return m;
        }
        return null;
    }

    private BlockingQueue<Msg> queue(String topic) {
        return received.computeIfAbsent(topic, t -> new LinkedBlockingQueue<>());
    }

    @Override
    public void close() throws Exception {
        try {
            if (client.isConnected()) client.disconnect(2000);
        } finally {
            client.close(true);
        }
    }
}
