package io.edgefuse.runtime.ota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.edgefuse.protocol.Topics;
import io.edgefuse.protocol.ota.ArtifactPublisher;
import io.edgefuse.protocol.ota.Manifest;
import io.edgefuse.protocol.ota.OtaException;
import io.edgefuse.protocol.ota.OtaReport;
import io.edgefuse.protocol.ota.OtaTopics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An operator's connection for OTA: publishes an artifact's retained chunks and manifest, watches the
 * nodes' retained status, heartbeats and ota reports, and waits until every target node has an outcome.
 * Used by push-model, rollback-model, deploy-bundle, status and bench-ota.
 */
public final class OtaClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Chunks in flight at once: enough to fill the link, few enough to bound memory at the broker. */
    private static final int WINDOW = 16;

    private final Topics topics;
    private final OtaTopics ota;
    private final Mqtt5AsyncClient client;
    private final Map<String, JsonNode> status = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> heartbeat = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<OtaReport> reports = new LinkedBlockingQueue<>();

    public OtaClient(String host, int port, String root) {
        this.topics = new Topics(root);
        this.ota = new OtaTopics(topics);
        this.client = MqttClient.builder().useMqttVersion5().identifier("edgefuse-ota-" + UUID.randomUUID().toString().substring(0, 8))
                .serverHost(host).serverPort(port).buildAsync();
        try {
            client.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
            client.subscribeWith().topicFilter(topics.allStatus()).qos(MqttQos.AT_LEAST_ONCE)
                    .callback(p -> put(status, p.getTopic().toString(), p.getPayloadAsBytes())).send().get(10, TimeUnit.SECONDS);
            client.subscribeWith().topicFilter(topics.allHeartbeats()).qos(MqttQos.AT_MOST_ONCE)
                    .callback(p -> put(heartbeat, p.getTopic().toString(), p.getPayloadAsBytes())).send().get(10, TimeUnit.SECONDS);
            client.subscribeWith().topicFilter(root + "/nodes/+/ota").qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
                try {
                    reports.add(OtaReport.parse(p.getPayloadAsBytes()));
                } catch (OtaException e) {
                    // not ours to judge: someone else's message on an ota topic
                }
            }).send().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            client.disconnect();
            throw new IllegalArgumentException("cannot connect to the broker at " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private void put(Map<String, JsonNode> into, String topic, byte[] payload) {
        String node = topics.nodeOf(topic);
        if (node == null || payload.length == 0) return;
        try {
            into.put(node, JSON.readTree(payload));
        } catch (IOException e) {
            // a malformed status is shown as missing
        }
    }

    public OtaTopics topics() {
        return ota;
    }

    /** Retained status per node (as far as it arrived; call {@link #settle} first), sorted by node. */
    public Map<String, JsonNode> statuses() {
        return new TreeMap<>(status);
    }

    public Map<String, JsonNode> heartbeats() {
        return new TreeMap<>(heartbeat);
    }

    /** Gives retained messages time to arrive. */
    public void settle(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public List<String> onlineNodes() {
        List<String> l = new ArrayList<>();
        statuses().forEach((n, s) -> {
            if (s.path("online").asBoolean(false)) l.add(n);
        });
        return l;
    }

    /** "all" (or empty): every node online now; otherwise the ids given. */
    public List<String> targets(List<String> nodes) {
        if (nodes == null || nodes.isEmpty() || nodes.contains("all")) return onlineNodes();
        for (String n : nodes) Topics.id(n);
        return List.copyOf(nodes);
    }

    /** Sends messages with QoS 1, at most {@link #WINDOW} unacknowledged at once, in order. */
    public void send(List<ArtifactPublisher.Message> messages, Consumer<Integer> sent) {
        List<CompletableFuture<?>> window = new ArrayList<>();
        int i = 0;
        try {
            for (ArtifactPublisher.Message m : messages) {
                window.add(client.publishWith().topic(m.topic()).qos(MqttQos.AT_LEAST_ONCE).retain(m.retained()).payload(m.payload()).send());
                if (window.size() >= WINDOW) {
                    window.remove(0).get(60, TimeUnit.SECONDS);
                }
                if (sent != null) sent.accept(++i);
            }
            for (CompletableFuture<?> f : window) f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("publishing to the broker failed after " + i + " of " + messages.size() + " messages: " + e.getMessage(), e);
        }
    }

    /** The retained manifests of every version of one artifact name, by version. */
    public Map<String, Manifest> retainedManifests(Manifest.Kind kind, String name, Duration wait) {
        Map<String, Manifest> out = new ConcurrentHashMap<>();
        String filter = ota.manifests(kind, name);
        try {
            client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
                if (p.getPayloadAsBytes().length == 0) return;
                try {
                    Manifest m = Manifest.parse(p.getPayloadAsBytes());
                    out.put(m.version(), m);
                } catch (OtaException e) {
                    // a broken manifest is not ours to withdraw
                }
            }).send().get(10, TimeUnit.SECONDS);
            settle(wait);
            client.unsubscribeWith().topicFilter(filter).send().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read retained manifests: " + e.getMessage(), e);
        }
        return new LinkedHashMap<>(out);
    }

    /** A non-retained QoS 1 message (e.g. a rollback command). */
    public void command(String topic, byte[] payload) {
        try {
            client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until each node has a final report (active, rejected, rolled-back) for the artifact, or
     * already runs it according to its status, or the timeout passes. Returns the last report per node
     * (null: none in time). version null: any version (rollbacks).
     */
    public Map<String, OtaReport> await(Manifest.Kind kind, String name, String version, Collection<String> nodes, Duration timeout,
                                        Consumer<OtaReport> progress) {
        Map<String, OtaReport> last = new TreeMap<>();
        for (String n : nodes) last.put(n, null);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean done = true;
            for (String n : nodes) {
                OtaReport r = last.get(n);
                if (r != null && r.state().terminal()) continue;
                if (version != null && running(n, kind, name, version)) {
                    last.put(n, new OtaReport(n, name, kind, version, OtaReport.State.ACTIVE, "already running", 1.0));
                    continue;
                }
                done = false;
            }
            long left = deadline - System.nanoTime();
            if (done || left <= 0) return last;
            OtaReport r;
            try {
                r = reports.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
            if (r == null || r.kind() != kind || !r.artifact().equals(name) || !last.containsKey(r.node())) continue;
            if (version != null && !r.version().equals(version)) continue;
            OtaReport before = last.get(r.node());
            if (before != null && before.state().terminal()) continue;
            last.put(r.node(), r);
            if (progress != null) progress.accept(r);
        }
    }

    /** Whether a node's retained status says it runs this version (active model, or installed bundle version). */
    public boolean running(String node, Manifest.Kind kind, String name, String version) {
        JsonNode s = status.get(node);
        if (s == null || !s.path("online").asBoolean(false)) return false;
        if (kind == Manifest.Kind.MODEL) {
            for (JsonNode m : s.path("models")) {
                if (m.path("name").asText().equals(name) && m.path("version").asText().equals(version) && m.path("active").asBoolean(true)) return true;
            }
        } else {
            for (JsonNode b : s.path("bundles")) if (b.path("name").asText().equals(name) && b.path("version").asText().equals(version)) return true;
        }
        return false;
    }

    @Override
    public void close() {
        try {
            client.disconnect().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
    }
}
