package io.edgefuse.allocator.coordinator;

import io.edgefuse.allocator.cluster.Profiles;
import io.edgefuse.allocator.planner.Planners;
import io.edgefuse.model.Model;
import io.edgefuse.model.zoo.Zoo;
import io.edgefuse.protocol.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a coordinator configuration (Config Admin PID {@code io.edgefuse.coordinator}, i.e. a
 * {@code io.edgefuse.coordinator.cfg} file) into {@link MqttCoordinator.Settings} and {@link CoordinatorConfig}.
 *
 * <pre>
 * key                 default        meaning
 * broker.host         127.0.0.1      MQTT broker host
 * broker.port         1883           MQTT broker port
 * topic.root          edgefuse/v1    root of all topics
 * models              required       comma-separated zoo names or model folders (nodes must hold the same versions)
 * planner             edgefuse       edgefuse, aofl, ftp, layerwise or single
 * link                eth1g          link profile assumed for nodes until measured (wifi20, ..., eth1g)
 * max.request.bytes   16777216       larger requests are answered payload_too_large
 * ota.trusted.keys    (none)         public key files (PEM) new model versions must be signed with; none: no OTA
 * ota.staging.dir     ~/.cache/edgefuse/ota/coordinator   where received model versions are kept
 * </pre>
 *
 * Values are checked before anything connects, and a bad one names its key, as the node's config does.
 */
public final class CoordinatorProperties {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 1883;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 16L << 20;

    private final String brokerHost;
    private final int brokerPort;
    private final String topicRoot;
    private final List<String> models;
    private final String planner;
    private final String link;
    private final long maxRequestBytes;
    private final List<String> trustedKeys;
    private final String stagingDir;

    private CoordinatorProperties(Map<String, ?> p) {
        brokerHost = string(p, "broker.host", DEFAULT_HOST);
        brokerPort = (int) number(p, "broker.port", DEFAULT_PORT, 1, 65535);
        topicRoot = string(p, "topic.root", Topics.DEFAULT_ROOT);
        planner = string(p, "planner", "edgefuse");
        link = string(p, "link", "eth1g");
        maxRequestBytes = number(p, "max.request.bytes", DEFAULT_MAX_REQUEST_BYTES, 1, Long.MAX_VALUE);
        models = list(p.get("models"));
        trustedKeys = list(p.get("ota.trusted.keys"));
        stagingDir = p.get("ota.staging.dir") == null ? null : string(p, "ota.staging.dir", null);
        if (models.isEmpty()) throw new IllegalArgumentException("coordinator config: 'models' is required (zoo names or model folders)");
        check("topic.root", topicRoot, () -> new Topics(topicRoot));
        check("planner", planner, () -> Planners.get(planner));
        check("link", link, () -> Profiles.link(link));
    }

    public static CoordinatorProperties fromMap(Map<String, ?> p) {
        return new CoordinatorProperties(p);
    }

    /** Loads the models (zoo names generate their weights on first use, which can take a while) and builds the settings. */
    public MqttCoordinator.Settings settings() {
        return settings(Zoo::resolve);
    }

    MqttCoordinator.Settings settings(Function<String, Model> loader) {
        Map<String, Model> served = new LinkedHashMap<>();
        for (String m : models) {
            Model model;
            try {
                model = loader.apply(m);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("coordinator config: 'models' entry '" + m + "' cannot be loaded: " + e.getMessage(), e);
            }
            served.put(model.name(), model);
        }
        MqttCoordinator.Settings d = MqttCoordinator.Settings.of(brokerHost, brokerPort, served);
        return new MqttCoordinator.Settings(brokerHost, brokerPort, topicRoot, served, maxRequestBytes, d.maxInFlight(), d.topK(), d.heartbeatTimeoutMs(),
                ota(trustedKeys, stagingDir));
    }

    /** The coordinator's OTA settings from key files and a staging folder (default ~/.cache/edgefuse/ota/coordinator). */
    public static MqttCoordinator.Ota ota(List<String> trustedKeys, String stagingDir) {
        if (trustedKeys.isEmpty()) return MqttCoordinator.Ota.OFF;
        java.nio.file.Path staging = stagingDir != null ? java.nio.file.Path.of(stagingDir)
                : java.nio.file.Path.of(System.getProperty("user.home"), ".cache", "edgefuse", "ota", "coordinator");
        return new MqttCoordinator.Ota(trustedKeys.stream().map(java.nio.file.Path::of).toList(), staging, 30_000);
    }

    public CoordinatorConfig config() {
        return CoordinatorConfig.defaults().withPlanner(planner).withLink(Profiles.link(link));
    }

    public String brokerHost() {
        return brokerHost;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public String topicRoot() {
        return topicRoot;
    }

    public List<String> models() {
        return models;
    }

    public String planner() {
        return planner;
    }

    public String link() {
        return link;
    }

    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    private static String string(Map<String, ?> p, String key, String dflt) {
        Object v = p.get(key);
        if (v == null) return dflt;
        String s = v.toString().trim();
        if (s.isEmpty()) throw bad(key, v, "must not be empty");
        return s;
    }

    private static long number(Map<String, ?> p, String key, long dflt, long min, long max) {
        Object v = p.get(key);
        if (v == null) return dflt;
        long n;
        if (v instanceof Number num) n = num.longValue();
        else {
            try {
                n = Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                throw bad(key, v, "is not an integer");
            }
        }
        if (n < min || n > max) throw bad(key, v, "must be " + min + ".." + max);
        return n;
    }

    /** Config Admin hands over a String from a .cfg file, but a String[] or a collection from other sources. */
    private static List<String> list(Object v) {
        List<String> raw = new ArrayList<>();
        if (v == null) return raw;
        if (v instanceof String[] a) raw.addAll(Arrays.asList(a));
        else if (v instanceof Iterable<?> it) it.forEach(o -> raw.add(String.valueOf(o)));
        else raw.addAll(Arrays.asList(v.toString().split(",")));
        return raw.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static void check(String key, String value, Runnable validation) {
        try {
            validation.run();
        } catch (RuntimeException e) {
            throw bad(key, value, "is not valid: " + e.getMessage());
        }
    }

    private static IllegalArgumentException bad(String key, Object value, String why) {
        return new IllegalArgumentException("coordinator config: '" + key + "' = '" + value + "' " + why);
    }
}
