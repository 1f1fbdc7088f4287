package io.edgefuse.node;

import io.edgefuse.protocol.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one worker node runs. Built in code ({@link #builder(String)}) or from Config Admin properties /
 * a {@code io.edgefuse.node.cfg} file ({@link #fromMap(Map)}), whose keys are:
 *
 * <pre>
 * key                    type     default        meaning
 * node.id                string   (required)     node id, one topic level: 1-128 of A-Z a-z 0-9 . _ -; also the MQTT client id
 * broker.host            string   127.0.0.1      MQTT broker host
 * broker.port            int      1883           MQTT broker port (1-65535)
 * topic.root             string   edgefuse/v1    root of every topic
 * executor               string   tf             "tf" (TensorFlow) or "java" (reference executor)
 * threads                int      0              compute threads for the executor; 0 = all cores (tf only; java is single-threaded per task)
 * workers                int      1              tasks computed at the same time
 * queue.capacity         int      8              tasks waiting beyond those; more are answered BUSY at once
 * heartbeat.interval.ms  long     1000           heartbeat period (50 .. 600000)
 * max.message.bytes      int      67108864       largest MQTT message accepted (64 MiB; must not exceed the broker's max packet size)
 * models                 string   (none)         comma-separated zoo names or model folders loaded at start
 * probe                  boolean  true           run the capacity micro-benchmark at start (about a second on tf)
 * ota.trusted.keys       string   (none)         comma-separated Ed25519 public key files (PEM); OTA is off without one
 * ota.staging.dir        string   ~/.cache/edgefuse/ota/{node.id}   where artifacts are staged and installed models kept
 * ota.stall.timeout.ms   long     30000          a transfer with no new chunk for this long is rejected as truncated
 * graph.cache            int      64             tf: compiled tile graphs kept open (LRU); each holds its layers' weights natively
 * probe.reference        string   (none)         a JSON file {gflops{conv, ...}, layerOverheadMs}: probe conv only (a few seconds) and scale the other classes from it
 * hold.until             string   (none)         a file path: after loading models, wait until it exists before probing and connecting;
 *                                                 meanwhile answer probe requests (HoldProbeFiles: FILE.probe.ID -> FILE.probed.ID)
 * mqtt.keep.alive.s      int      10             MQTT keep-alive (1 .. 65535 s); the broker drops the node (Last Will) after 1.5x this without a packet
 * </pre>
 *
 * Values may be strings (as in .cfg files) or typed (Integer, Long, Boolean, String[] for models).
 * Unknown keys are ignored so that Config Admin's own (service.pid, ...) pass through.
 */
public record NodeConfig(String nodeId, String brokerHost, int brokerPort, String topicRoot, String executor,
                         int threads, int workers, int queueCapacity, long heartbeatIntervalMs, int maxMessageBytes,
                         List<String> models, boolean probe, int graphCache, String holdUntil, String probeReference, Ota ota,
                         int keepAliveSeconds) {

    /** Over-the-air updates: the keys trusted, where artifacts are staged, when a transfer counts as stalled. */
    public record Ota(List<String> trustedKeys, String stagingDir, long stallTimeoutMs) {
        public static final long DEFAULT_STALL_MS = 30_000;

        public Ota {
            trustedKeys = List.copyOf(trustedKeys == null ? List.of() : trustedKeys);
            if (stallTimeoutMs < 100 || stallTimeoutMs > 3_600_000) throw bad("ota.stall.timeout.ms", stallTimeoutMs, "must be 100..3600000");
        }

        public static Ota off() {
            return new Ota(List.of(), null, DEFAULT_STALL_MS);
        }

        public boolean enabled() {
            return !trustedKeys.isEmpty();
        }

        /** The staging folder: configured, or ~/.cache/edgefuse/ota/{node}. */
        public java.nio.file.Path staging(String nodeId) {
            if (stagingDir != null && !stagingDir.isBlank()) return java.nio.file.Path.of(stagingDir);
            return java.nio.file.Path.of(System.getProperty("user.home"), ".cache", "edgefuse", "ota", nodeId);
        }
    }

    /** Without OTA (the form before over-the-air updates existed). */
    public NodeConfig(String nodeId, String brokerHost, int brokerPort, String topicRoot, String executor, int threads, int workers,
                      int queueCapacity, long heartbeatIntervalMs, int maxMessageBytes, List<String> models, boolean probe) {
        this(nodeId, brokerHost, brokerPort, topicRoot, executor, threads, workers, queueCapacity, heartbeatIntervalMs, maxMessageBytes,
                models, probe, DEFAULT_GRAPH_CACHE, null, null, Ota.off(), DEFAULT_KEEP_ALIVE_S);
    }

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 1883;
    public static final int DEFAULT_GRAPH_CACHE = 64;
    public static final int DEFAULT_KEEP_ALIVE_S = 10;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    public static final Set<String> EXECUTORS = Set.of("tf", "java");

    public NodeConfig {
        try {
            nodeId = Topics.id(nodeId);
        } catch (IllegalArgumentException e) {
            throw bad("node.id", nodeId, "is not a valid id (1-128 of A-Z a-z 0-9 . _ -)");
        }
        if (brokerHost == null || brokerHost.isBlank()) throw bad("broker.host", brokerHost, "must not be empty");
        if (brokerPort < 1 || brokerPort > 65535) throw bad("broker.port", brokerPort, "must be 1..65535");
        try {
            new Topics(topicRoot);
        } catch (IllegalArgumentException e) {
            throw bad("topic.root", topicRoot, "must be a non-empty topic without wildcards or a trailing '/'");
        }
        if (!EXECUTORS.contains(executor)) throw bad("executor", executor, "must be one of tf, java");
        if (threads < 0) throw bad("threads", threads, "must be >= 0 (0 = all cores)");
        if (workers < 1) throw bad("workers", workers, "must be >= 1");
        if (queueCapacity < 1) throw bad("queue.capacity", queueCapacity, "must be >= 1");
        if (heartbeatIntervalMs < 50 || heartbeatIntervalMs > 600_000) throw bad("heartbeat.interval.ms", heartbeatIntervalMs, "must be 50..600000");
        if (maxMessageBytes < 1024) throw bad("max.message.bytes", maxMessageBytes, "must be >= 1024");
        if (graphCache < 1) throw bad("graph.cache", graphCache, "must be >= 1");
        if (keepAliveSeconds < 1 || keepAliveSeconds > 65535) throw bad("mqtt.keep.alive.s", keepAliveSeconds, "must be 1..65535");
        if (holdUntil != null && holdUntil.isBlank()) holdUntil = null;
        if (probeReference != null && probeReference.isBlank()) probeReference = null;
        models = List.copyOf(models == null ? List.of() : models);
        if (ota == null) ota = Ota.off();
    }

    public static Builder builder(String nodeId) {
        return new Builder(nodeId);
    }

    public Topics topics() {
        return new Topics(topicRoot);
    }

    /** Config Admin / .cfg properties to a config; throws IllegalArgumentException naming the key and the bad value. */
    public static NodeConfig fromMap(Map<String, ?> p) {
        Object id = p.get("node.id");
        if (id == null || id.toString().isBlank()) throw new IllegalArgumentException("node config: 'node.id' is required");
        Builder b = builder(id.toString().trim());
        if (p.containsKey("broker.host")) b.brokerHost(string(p, "broker.host"));
        if (p.containsKey("broker.port")) b.brokerPort(integer(p, "broker.port"));
        if (p.containsKey("topic.root")) b.topicRoot(string(p, "topic.root"));
        if (p.containsKey("executor")) b.executor(string(p, "executor"));
        if (p.containsKey("threads")) b.threads(integer(p, "threads"));
        if (p.containsKey("workers")) b.workers(integer(p, "workers"));
        if (p.containsKey("queue.capacity")) b.queueCapacity(integer(p, "queue.capacity"));
        if (p.containsKey("heartbeat.interval.ms")) b.heartbeatIntervalMs(longValue(p, "heartbeat.interval.ms"));
        if (p.containsKey("max.message.bytes")) b.maxMessageBytes(integer(p, "max.message.bytes"));
        if (p.containsKey("models")) b.models(list(p.get("models")));
        if (p.containsKey("probe")) b.probe(bool(p, "probe"));
        if (p.containsKey("ota.trusted.keys")) b.trustedKeys(list(p.get("ota.trusted.keys")));
        if (p.containsKey("ota.staging.dir")) b.otaStagingDir(string(p, "ota.staging.dir"));
        if (p.containsKey("ota.stall.timeout.ms")) b.otaStallTimeoutMs(longValue(p, "ota.stall.timeout.ms"));
        if (p.containsKey("graph.cache")) b.graphCache(integer(p, "graph.cache"));
        if (p.containsKey("hold.until")) b.holdUntil(string(p, "hold.until"));
        if (p.containsKey("probe.reference")) b.probeReference(string(p, "probe.reference"));
        if (p.containsKey("mqtt.keep.alive.s")) b.keepAliveSeconds(integer(p, "mqtt.keep.alive.s"));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("node config: " + e.getMessage(), e);
        }
    }

    private static String string(Map<String, ?> p, String k) {
        Object v = p.get(k);
        return v == null ? null : v.toString().trim();
    }

    private static long longValue(Map<String, ?> p, String k) {
        Object v = p.get(k);
        if (v instanceof Integer || v instanceof Long || v instanceof Short) return ((Number) v).longValue();
        try {
            return Long.parseLong(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw bad(k, v, "is not an integer");
        }
    }

    private static int integer(Map<String, ?> p, String k) {
        long v = longValue(p, k);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw bad(k, v, "is out of range");
        return (int) v;
    }

    private static boolean bool(Map<String, ?> p, String k) {
        Object v = p.get(k);
        if (v instanceof Boolean b) return b;
        String s = String.valueOf(v).trim().toLowerCase();
        // Boolean.parseBoolean would read a typo such as "ture" as false without a word.
        return switch (s) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw bad(k, v, "is not a boolean (true/false)");
        };
    }

    private static List<String> list(Object v) {
        Collection<?> items;
        if (v instanceof String[] a) items = Arrays.asList(a);
        else if (v instanceof Collection<?> c) items = c;
        else items = Arrays.asList(String.valueOf(v).split(","));
        List<String> out = new ArrayList<>();
        for (Object o : items) {
            String s = String.valueOf(o).trim();
            if (!s.isEmpty()) out.add(s);
        }
        return out;
    }

    private static IllegalArgumentException bad(String key, Object value, String why) {
        return new IllegalArgumentException("'" + key + "' = '" + value + "' " + why);
    }

    /** Defaults as documented above; only node id is required. */
    public static final class Builder {
        private final String nodeId;
        private String brokerHost = DEFAULT_HOST;
        private int brokerPort = DEFAULT_PORT;
        private String topicRoot = Topics.DEFAULT_ROOT;
        private String executor = "tf";
        private int threads = 0;
        private int workers = 1;
        private int queueCapacity = 8;
        private long heartbeatIntervalMs = 1000;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private List<String> models = List.of();
        private boolean probe = true;
        private List<String> trustedKeys = List.of();
        private String otaStagingDir;
        private long otaStallTimeoutMs = Ota.DEFAULT_STALL_MS;
        private int graphCache = DEFAULT_GRAPH_CACHE;
        private String holdUntil;
        private String probeReference;
        private int keepAliveSeconds = DEFAULT_KEEP_ALIVE_S;

        private Builder(String nodeId) {
            this.nodeId = nodeId;
        }

        public Builder brokerHost(String v) { brokerHost = v; return this; }
        public Builder brokerPort(int v) { brokerPort = v; return this; }
        public Builder topicRoot(String v) { topicRoot = v; return this; }
        public Builder executor(String v) { executor = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder workers(int v) { workers = v; return this; }
        public Builder queueCapacity(int v) { queueCapacity = v; return this; }
        public Builder heartbeatIntervalMs(long v) { heartbeatIntervalMs = v; return this; }
        public Builder maxMessageBytes(int v) { maxMessageBytes = v; return this; }
        public Builder models(List<String> v) { models = v; return this; }
        public Builder probe(boolean v) { probe = v; return this; }
        public Builder trustedKeys(List<String> v) { trustedKeys = v; return this; }
        public Builder otaStagingDir(String v) { otaStagingDir = v; return this; }
        public Builder otaStallTimeoutMs(long v) { otaStallTimeoutMs = v; return this; }
        public Builder graphCache(int v) { graphCache = v; return this; }
        public Builder holdUntil(String v) { holdUntil = v; return this; }
        public Builder probeReference(String v) { probeReference = v; return this; }
        public Builder keepAliveSeconds(int v) { keepAliveSeconds = v; return this; }

        public NodeConfig build() {
            return new NodeConfig(nodeId, brokerHost, brokerPort, topicRoot, executor, threads, workers, queueCapacity,
                    heartbeatIntervalMs, maxMessageBytes, models, probe, graphCache, holdUntil, probeReference,
                    new Ota(trustedKeys, otaStagingDir, otaStallTimeoutMs), keepAliveSeconds);
        }
    }
}
