package io.edgefuse.node.testing;

import io.edgefuse.broker.EmbeddedBroker;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The test's own MQTT client (Vert.x, MQTT 3.1.1): subscribes, records what arrives, publishes. */
public final class MqttProbe implements AutoCloseable {
    public record Msg(String topic, byte[] payload, boolean retained, long atMs) {
        public JsonObject json() {
            return new JsonObject(Buffer.buffer(payload));
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final MqttClient client;
    private final BlockingQueue<Msg> received = new LinkedBlockingQueue<>();

    public MqttProbe(int port, String clientId) throws Exception {
        client = MqttClient.create(vertx, new MqttClientOptions().setClientId(clientId).setMaxMessageSize(64 * 1024 * 1024).setMaxInflightQueue(1000));
        client.publishHandler(m -> received.add(new Msg(m.topicName(), m.payload().getBytes(), m.isRetain(), System.currentTimeMillis())));
        client.connect(port, EmbeddedBroker.LOOPBACK).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Subscribes and waits for the broker's acknowledgement, so nothing published after this is missed. */
    public MqttProbe subscribe(String topic) throws Exception {
        java.util.concurrent.CompletableFuture<Void> acked = new java.util.concurrent.CompletableFuture<>();
        client.subscribeCompletionHandler(a -> acked.complete(null));
        client.subscribe(topic, 1).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        acked.get(10, TimeUnit.SECONDS);
        return this;
    }

    public void publish(String topic, byte[] payload) throws Exception {
        client.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The next message matching, skipping others; null after the timeout. */
    public Msg next(Predicate<Msg> match, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        for (long left; (left = end - System.currentTimeMillis()) > 0; ) {
            Msg m = received.poll(left, TimeUnit.MILLISECONDS);
            if (m != null && match.test(m)) return m;
        }
        return null;
    }

    public Msg next(String topic, long timeoutMs) throws InterruptedException {
        return next(m -> m.topic().equals(topic), timeoutMs);
    }

    @Override
    public void close() throws Exception {
        try {
            if (client.isConnected()) client.disconnect().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
