package io.edgefuse.node.internal;

import io.edgefuse.node.ModelStore;
import io.edgefuse.node.NodeConfig;
import io.edgefuse.protocol.Topics;
import io.edgefuse.protocol.ota.OtaInbox;
import io.edgefuse.protocol.ota.OtaReport;
import java.util.LinkedHashMap;
import java.util.Map;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubAckMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's MQTT side, confined to one event loop: every field is touched only there, so none needs
 * locking. Announces itself online only after the broker acknowledged the task subscription, so a
 * coordinator that sees "online" can send tasks at once. Each connection attempt gets a fresh client;
 * a lost connection is retried with exponential backoff until the verticle is undeployed.
 */
public final class NodeVerticle extends VerticleBase implements OtaInbox.Link {
    private static final Logger LOG = LoggerFactory.getLogger(NodeVerticle.class);
    static final long MIN_BACKOFF_MS = 200, MAX_BACKOFF_MS = 10_000;

    private final NodeConfig cfg;
    private final Topics topics;
    private final TaskRunner runner;
    private final StatusMessages messages;

    private MqttClient client;
    private boolean connected;
    private boolean stopping;
    private long heartbeatTimer = -1;
    private long reconnectTimer = -1;
    private long backoffMs = MIN_BACKOFF_MS;
    private long lastBeatNanos;
    private long lastBusyNanos;
    private volatile boolean online;
    private volatile OtaInbox ota;
    private int taskSubscriptionId = -1;

    public NodeVerticle(NodeConfig cfg, TaskRunner runner, StatusMessages messages, ModelStore store) {
        this.cfg = cfg;
        this.topics = cfg.topics();
        this.runner = runner;
        this.messages = messages;
        // A hot-swapped model changes what the coordinator may plan with; say so now, not at the next reconnect.
        store.onChange(() -> {
            if (context != null) context.runOnContext(v -> publishStatus());
        });
    }

    /** Over-the-air updates for this node (set before deployment; null: OTA off). */
    public void ota(OtaInbox inbox) {
        this.ota = inbox;
    }

    /** True between the task subscription's acknowledgement and the loss or close of the connection. */
    public boolean online() {
        return online;
    }

    @Override
    public Future<?> start() {
        lastBeatNanos = System.nanoTime();
        lastBusyNanos = runner.stats().busyNanos();
        heartbeatTimer = vertx.setPeriodic(cfg.heartbeatIntervalMs(), id -> heartbeat());
        connect();
        return Future.succeededFuture();
    }

    private MqttClientOptions options() {
        MqttClientOptions o = new MqttClientOptions()
                .setClientId(cfg.nodeId())
                .setCleanSession(true)
                // The broker takes us for gone after 1.5x this without a packet; heartbeats keep the line busy, unless
                // the whole JVM stalls (a GC at a few percent of a core in the emulated cluster): mqtt.keep.alive.s.
                .setKeepAliveInterval(cfg.keepAliveSeconds())
                .setMaxMessageSize(cfg.maxMessageBytes())
                // Every queued or running task may owe a QoS 1 result, plus a burst of BUSY answers.
                .setMaxInflightQueue(Math.max(100, 4 * (cfg.queueCapacity() + cfg.workers())))
                .setWillFlag(true)
                .setWillTopic(topics.nodeStatus(cfg.nodeId()))
                .setWillMessageBytes(messages.status(false))
                .setWillQoS(MqttQoS.AT_LEAST_ONCE.value())
                .setWillRetain(true);
        return o;
    }

    private void connect() {
        reconnectTimer = -1;
        if (stopping) return;
        MqttClient c = MqttClient.create(vertx, options());
        client = c;
        c.publishHandler(this::onMessage);
        c.subscribeCompletionHandler(ack -> onSubscribed(c, ack));
        c.closeHandler(v -> lost(c, "connection closed"));
        c.exceptionHandler(e -> LOG.debug("node {}: MQTT connection error: {}", cfg.nodeId(), e.toString()));
        c.connect(cfg.brokerPort(), cfg.brokerHost())
                .onSuccess(ack -> {
                    if (c != client) {
                        // stopped (or superseded) while connecting: leave politely rather than via the will
                        c.disconnect();
                        return;
                    }
                    connected = true;
                    backoffMs = MIN_BACKOFF_MS;
                    LOG.info("node {}: connected to {}:{}", cfg.nodeId(), cfg.brokerHost(), cfg.brokerPort());
                    // Tasks and OTA topics in one SUBSCRIBE: its acknowledgement is what makes the node online.
                    Map<String, Integer> filters = new LinkedHashMap<>();
                    filters.put(topics.nodeTasks(cfg.nodeId()), MqttQoS.AT_LEAST_ONCE.value());
                    OtaInbox inbox = ota;
                    if (inbox != null) for (String f : inbox.subscriptions()) filters.put(f, MqttQoS.AT_LEAST_ONCE.value());
                    c.subscribe(filters)
                            .onSuccess(id -> taskSubscriptionId = id)
                            .onFailure(e -> LOG.warn("node {}: subscribe failed: {}", cfg.nodeId(), e.toString()));
                })
                .onFailure(e -> lost(c, "connect to " + cfg.brokerHost() + ":" + cfg.brokerPort() + " failed: " + e.getMessage()));
    }

    private void onSubscribed(MqttClient c, MqttSubAckMessage ack) {
        if (c != client || stopping) return;
        if (online || ack.messageId() != taskSubscriptionId) return; // an OTA chunk subscription
        if (ack.grantedQoSLevels().isEmpty() || ack.grantedQoSLevels().get(0) > 2) {
            LOG.error("node {}: the broker refused the subscription to {}; reconnecting", cfg.nodeId(), topics.nodeTasks(cfg.nodeId()));
            c.disconnect();
            return;
        }
        online = true;
        publishStatus();
        OtaInbox inbox = ota;
        if (inbox != null) inbox.onConnected();
    }

    private void lost(MqttClient c, String why) {
        if (c != client) return;
        client = null;
        connected = false;
        online = false;
        if (stopping) return;
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        LOG.warn("node {}: {}; reconnecting in {} ms", cfg.nodeId(), why, delay);
        if (reconnectTimer == -1) reconnectTimer = vertx.setTimer(delay, id -> connect());
    }

    private void onMessage(MqttPublishMessage msg) {
        OtaInbox inbox = ota;
        if (inbox != null && inbox.handles(msg.topicName())) {
            inbox.onMessage(msg.topicName(), msg.payload().getBytes());
            return;
        }
        if (!msg.topicName().equals(topics.nodeTasks(cfg.nodeId()))) return;
        byte[] payload = msg.payload().getBytes();
        runner.submit(payload).whenComplete((result, e) -> {
            if (result != null) context.runOnContext(v -> publishResult(result));
        });
    }

    private void publishResult(byte[] frame) {
        MqttClient c = client;
        if (c == null || !connected) {
            LOG.warn("node {}: a result of {} bytes is lost: not connected", cfg.nodeId(), frame.length);
            return;
        }
        c.publish(topics.nodeResults(cfg.nodeId()), Buffer.buffer(frame), MqttQoS.AT_LEAST_ONCE, false, false)
                .onFailure(e -> LOG.warn("node {}: publishing a result failed: {}", cfg.nodeId(), e.toString()));
    }

    @Override
    public void subscribe(String filter) {
        onLoop(() -> {
            if (client != null && connected) client.subscribe(filter, MqttQoS.AT_LEAST_ONCE.value());
        });
    }

    @Override
    public void unsubscribe(String filter) {
        onLoop(() -> {
            if (client != null && connected) client.unsubscribe(filter);
        });
    }

    @Override
    public void report(OtaReport r) {
        byte[] payload = r.toJson();
        onLoop(() -> {
            if (client == null || !connected) {
                LOG.info("node {}: OTA report not sent (offline): {}", cfg.nodeId(), r);
                return;
            }
            client.publish(topics.nodeOta(cfg.nodeId()), Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false);
        });
    }

    /** Re-publishes the retained status (e.g. when the bundles installed changed). */
    public void statusChanged() {
        onLoop(this::publishStatus);
    }

    private void onLoop(Runnable r) {
        if (context != null) context.runOnContext(v -> r.run());
    }

    private void publishStatus() {
        if (!online || client == null) return;
        client.publish(topics.nodeStatus(cfg.nodeId()), messages.status(true), MqttQoS.AT_LEAST_ONCE, false, true)
                .onFailure(e -> LOG.warn("node {}: publishing status failed: {}", cfg.nodeId(), e.toString()));
    }

    private void heartbeat() {
        TaskRunner.Stats s = runner.stats();
        long now = System.nanoTime();
        double wall = (double) (now - lastBeatNanos) * s.workers();
        double load = wall > 0 ? Math.min(1.0, (s.busyNanos() - lastBusyNanos) / wall) : 0;
        lastBeatNanos = now;
        lastBusyNanos = s.busyNanos();
        if (!online || client == null) return;
        // QoS 0: a lost heartbeat is replaced by the next one; retrying it would only delay that one.
        client.publish(topics.nodeHeartbeat(cfg.nodeId()), messages.heartbeat(load, s), MqttQoS.AT_MOST_ONCE, false, false);
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        vertx.cancelTimer(heartbeatTimer);
        if (reconnectTimer != -1) vertx.cancelTimer(reconnectTimer);
        MqttClient c = client;
        boolean wasConnected = connected;
        client = null;
        connected = false;
        online = false;
        if (c == null || !wasConnected) return Future.succeededFuture();
        Promise<Void> done = Promise.promise();
        // The will is only for a crash; a clean shutdown states offline itself, retained, before DISCONNECT.
        c.publish(topics.nodeStatus(cfg.nodeId()), messages.status(false), MqttQoS.AT_LEAST_ONCE, false, true)
                .compose(id -> c.disconnect())
                .onComplete(r -> {
                    if (r.failed()) LOG.warn("node {}: clean disconnect failed: {}", cfg.nodeId(), r.cause().toString());
                    LOG.info("node {}: offline", cfg.nodeId());
                    done.complete();
                });
        return done.future();
    }
}
