package io.edgefuse.allocator.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.edgefuse.model.Model;
import io.edgefuse.model.plan.Assignment;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.plan.StagePlan;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.protocol.Answer;
import io.edgefuse.protocol.ErrorCode;
import io.edgefuse.protocol.ProtocolException;
import io.edgefuse.protocol.RequestDecoder;
import io.edgefuse.protocol.Topics;
import io.edgefuse.protocol.ota.Manifest;
import io.edgefuse.protocol.ota.ModelArchive;
import io.edgefuse.protocol.ota.OtaException;
import io.edgefuse.protocol.ota.OtaInbox;
import io.edgefuse.protocol.ota.OtaReport;
import io.edgefuse.protocol.ota.OtaTopics;
import io.edgefuse.protocol.ota.TrustedKeys;
import io.edgefuse.model.io.ModelFormat;
import java.nio.file.Path;
import java.util.List;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator on MQTT (HiveMQ client, MQTT 5): learns nodes from their retained status and
 * heartbeats, takes requests on {@code infer/{model}} (MQTT 5 Response Topic + Correlation Data) and
 * {@code infer/{model}/{requestId}} (MQTT 3.1.1, answered on {@code results/{model}/{requestId}}),
 * sends tiles to {@code nodes/{node}/tasks} and reads {@code nodes/+/results}. Every request gets
 * exactly one JSON answer, a result or an error, whatever its payload; a bad request never disturbs
 * the others.
 */
public final class MqttCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttCoordinator.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where and how: broker, topic root, models served at start (name -> model), request limits, and
     * the keys new model versions must be signed with (none: the coordinator takes no model over the air).
     */
    public record Settings(String brokerHost, int brokerPort, String topicRoot, Map<String, Model> models, long maxRequestBytes,
                           int maxInFlight, int topK, long heartbeatTimeoutMs, Ota ota) {
        public Settings(String brokerHost, int brokerPort, String topicRoot, Map<String, Model> models, long maxRequestBytes,
                        int maxInFlight, int topK, long heartbeatTimeoutMs) {
            this(brokerHost, brokerPort, topicRoot, models, maxRequestBytes, maxInFlight, topK, heartbeatTimeoutMs, Ota.OFF);
        }

        public static Settings of(String host, int port, Map<String, Model> models) {
            return new Settings(host, port, Topics.DEFAULT_ROOT, models, 16L << 20, 256, 5, 3500);
        }

        public Settings withOta(Ota o) {
            return new Settings(brokerHost, brokerPort, topicRoot, models, maxRequestBytes, maxInFlight, topK, heartbeatTimeoutMs, o);
        }
    }

    /** Trusted public key files and the staging folder for model versions received over the air. */
    public record Ota(List<Path> trustedKeys, Path staging, long stallTimeoutMs) {
        public static final Ota OFF = new Ota(List.of(), null, 30_000);

        public boolean enabled() {
            return !trustedKeys.isEmpty();
        }
    }

    private final Settings settings;
    private final Topics topics;
    private final Membership membership;
    private final Coordinator coordinator;
    private final Mqtt5AsyncClient client;
    private final ExecutorService decoders;
    private final RequestDecoder decoder;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ModelVersions versions;
    private final OtaInbox ota;

    public MqttCoordinator(Settings settings, CoordinatorConfig config) {
        this.settings = settings;
        this.topics = new Topics(settings.topicRoot());
        this.membership = new Membership(settings.heartbeatTimeoutMs());
        this.decoder = new RequestDecoder(settings.maxRequestBytes());
        this.versions = new ModelVersions(settings.models());
        this.client = MqttClient.builder().useMqttVersion5().identifier("edgefuse-coordinator-" + UUID.randomUUID().toString().substring(0, 8))
                .serverHost(settings.brokerHost()).serverPort(settings.brokerPort()).automaticReconnectWithDefaultConfig().buildAsync();
        this.coordinator = new Coordinator(config, membership, (node, frame) ->
                client.publishWith().topic(topics.nodeTasks(node)).qos(MqttQos.AT_LEAST_ONCE).payload(frame).send());
        java.util.concurrent.atomic.AtomicLong warmups = new java.util.concurrent.atomic.AtomicLong();
        versions.onWarmUp(m -> coordinator.infer("warm-up-" + m.version().substring(0, 12) + "-" + warmups.incrementAndGet(), m, Tensor.zeros(m.input().shape()))
                .whenComplete((o, e) -> {
                    if (e != null) LOG.warn("warm-up of {}@{} failed ({}); switching anyway", m.name(), m.version().substring(0, 12), e.toString());
                    else LOG.info("warm-up of {}@{} took {} ms", m.name(), m.version().substring(0, 12), String.format("%.0f", o.latencyMs()));
                    versions.warmed(m);
                }));
        // Decoding images costs CPU; keep it off the MQTT client's threads. The queue is bounded by maxInFlight.
        this.decoders = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "edgefuse-requests");
            t.setDaemon(true);
            return t;
        });
        this.ota = settings.ota().enabled() ? new OtaInbox(new OtaInbox.Settings("coordinator", TrustedKeys.load(settings.ota().trustedKeys()),
                settings.ota().staging(), settings.ota().stallTimeoutMs(), Manifest.MAX_CHUNK), new OtaTopics(settings.topicRoot()), otaLink(),
                Map.of(Manifest.Kind.MODEL, new VersionInstaller())) : null;
    }

    /** New model versions join {@link ModelVersions}; the nodes decide, by activating them, when they are used. */
    private final class VersionInstaller implements OtaInbox.Installer {
        @Override
        public boolean installed(Manifest m) {
            return versions.has(m.name(), m.version());
        }

        @Override
        public void install(Manifest m, Path artifact, OtaInbox.Progress progress) {
            Path folder = ModelArchive.unpack(artifact, artifact.resolveSibling("model"));
            Model model;
            try {
                model = ModelFormat.read(folder);
            } catch (RuntimeException e) {
                throw new OtaException("model does not validate: " + e.getMessage());
            }
            if (!model.name().equals(m.name()) || !model.version().equals(m.version())) {
                throw new OtaException("model files are " + model.name() + "@" + model.version() + ", the manifest says " + m.name() + "@" + m.version());
            }
            versions.add(model);
            progress.report(OtaReport.State.STAGED, "coordinator holds it; used once every node serving " + m.name() + " has it active");
        }

        @Override
        public String rollback(String name) {
            // The nodes roll back; the coordinator follows what they have active.
            return versions.current(name).map(Model::version).orElse("none");
        }
    }

    private OtaInbox.Link otaLink() {
        return new OtaInbox.Link() {
            @Override
            public void subscribe(String filter) {
                client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE)
                        .callback(p -> ota.onMessage(p.getTopic().toString(), p.getPayloadAsBytes())).send();
            }

            @Override
            public void unsubscribe(String filter) {
                client.unsubscribeWith().topicFilter(filter).send();
            }

            @Override
            public void report(OtaReport r) {
                LOG.info("coordinator OTA: {}", r);
            }
        };
    }

    public MqttCoordinator start() {
        client.connectWith().cleanStart(true).send().join();
        subscribe(topics.allStatus(), p -> membership.onStatus(topics.nodeOf(p.getTopic().toString()), json(p), System.currentTimeMillis()));
        subscribe(topics.allHeartbeats(), p -> membership.onHeartbeat(topics.nodeOf(p.getTopic().toString()), json(p), System.currentTimeMillis()));
        subscribe(topics.allResults(), p -> coordinator.onResult(p.getPayloadAsBytes()));
        subscribe(topics.allInfer(), p -> decoders.execute(() -> request(p)));
        if (ota != null) for (String f : ota.subscriptions()) subscribe(f, p -> ota.onMessage(p.getTopic().toString(), p.getPayloadAsBytes()));
        LOG.info("coordinator connected to {}:{}, serving {}", settings.brokerHost(), settings.brokerPort(), settings.models().keySet());
        return this;
    }

    public Coordinator coordinator() {
        return coordinator;
    }

    public Membership membership() {
        return membership;
    }

    /** The model versions this coordinator can plan with, and the one in use. */
    public ModelVersions versions() {
        return versions;
    }

    private void subscribe(String filter, java.util.function.Consumer<Mqtt5Publish> handler) {
        client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
            try {
                handler.accept(p);
            } catch (RuntimeException e) {
                LOG.warn("could not handle a message on {}: {}", p.getTopic(), e.toString());
            }
        }).send().join();
    }

    private static JsonNode json(Mqtt5Publish p) {
        try {
            return JSON.readTree(p.getPayloadAsBytes());
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** Where the answer goes and under which id, worked out before anything can fail. */
    private record ReplyTo(String topic, byte[] correlation, String requestId) {}

    private void request(Mqtt5Publish p) {
        String topic = p.getTopic().toString();
        String rest = topic.substring(topics.root().length() + "/infer/".length());
        String[] parts = rest.split("/", -1);
        String model = parts[0];
        ReplyTo reply = replyTo(p, model, parts);
        if (reply == null) return;
        if (inFlight.incrementAndGet() > settings.maxInFlight()) {
            inFlight.decrementAndGet();
            answer(reply, Answer.error(reply.requestId(), ErrorCode.BUSY, "coordinator has " + settings.maxInFlight() + " requests in flight; retry later"));
            return;
        }
        try {
            if (parts.length > 2) throw new ProtocolException(ErrorCode.BAD_REQUEST, "request topic must be infer/{model} or infer/{model}/{requestId}");
            Model m = versions.serving(model, membership.online()).orElse(null);
            if (m == null) throw new ProtocolException(ErrorCode.UNKNOWN_MODEL, "no model '" + model + "' (served: " + String.join(", ", versions.names()) + ")");
            Tensor input = decoder.decode(p.getPayloadAsBytes(), m.input());
            coordinator.infer(reply.requestId(), m, input).whenComplete((o, e) -> {
                inFlight.decrementAndGet();
                if (e == null) {
                    answer(reply, Answer.result(reply.requestId(), o.model(), o.modelVersion(), TopK.of(o.output(), m.labels(), settings.topK()), o.latencyMs(), describe(m, o.plan(), o.resends())));
                } else {
                    Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                    ErrorCode code = c instanceof InferenceFailure f ? f.code() : ErrorCode.INTERNAL;
                    answer(reply, Answer.error(reply.requestId(), code, String.valueOf(c.getMessage())));
                }
            });
        } catch (ProtocolException e) {
            inFlight.decrementAndGet();
            answer(reply, Answer.error(reply.requestId(), e.code(), e.getMessage()));
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            LOG.warn("request {} failed before scheduling", reply.requestId(), e);
            answer(reply, Answer.error(reply.requestId(), ErrorCode.INTERNAL, e.toString()));
        }
    }

    private ReplyTo replyTo(Mqtt5Publish p, String model, String[] parts) {
        Optional<ByteBuffer> corr = p.getCorrelationData();
        byte[] correlation = corr.map(b -> {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            return a;
        }).orElse(null);
        String requestId;
        if (parts.length == 2 && !parts[1].isEmpty()) requestId = parts[1];
        else if (correlation != null && correlation.length <= 128) requestId = new String(correlation, StandardCharsets.UTF_8).replaceAll("[^A-Za-z0-9._-]", "_");
        else requestId = UUID.randomUUID().toString();
        if (requestId.isEmpty()) requestId = UUID.randomUUID().toString();
        if (p.getResponseTopic().isPresent()) return new ReplyTo(p.getResponseTopic().get().toString(), correlation, requestId);
        try {
            return new ReplyTo(topics.results(model, requestId), correlation, requestId);
        } catch (IllegalArgumentException e) {
            LOG.warn("request on {} has no usable reply topic ({}); dropped", p.getTopic(), e.getMessage());
            return null;
        }
    }

    private void answer(ReplyTo r, byte[] payload) {
        var b = client.publishWith().topic(r.topic()).qos(MqttQos.AT_LEAST_ONCE).payload(payload).contentType("application/json");
        if (r.correlation() != null) b = b.correlationData(r.correlation());
        b.send().whenComplete((ok, e) -> {
            if (e != null) LOG.warn("could not answer {} on {}: {}", r.requestId(), r.topic(), e.toString());
        });
    }

    static JsonNode describe(Model m, Plan p, int resends) {
        ObjectNode o = JSON.createObjectNode();
        o.put("planner", p.planner());
        o.put("resends", resends);
        ArrayNode stages = o.putArray("stages");
        for (StagePlan sp : p.stages()) {
            ObjectNode s = stages.addObject();
            s.put("layers", sp.stage().describe(m));
            ArrayNode tiles = s.putArray("tiles");
            for (Assignment a : sp.assignments()) {
                ObjectNode t = tiles.addObject().put("node", a.device());
                if (a.region() != null) t.put("region", a.region().toString());
            }
        }
        return o;
    }

    @Override
    public void close() {
        if (ota != null) ota.close();
        coordinator.close();
        decoders.shutdownNow();
        try {
            client.disconnect().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("disconnect: {}", e.toString());
        }
    }
}
