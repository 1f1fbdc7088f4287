package io.edgefuse.node;

import io.edgefuse.model.exec.CapacityProbe;
import io.edgefuse.model.exec.CapacityProbe.Capacity;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.node.internal.NodeVerticle;
import io.edgefuse.node.internal.StatusMessages;
import io.edgefuse.node.internal.ModelInstaller;
import io.edgefuse.node.internal.TaskRunner;
import io.edgefuse.protocol.ota.Manifest;
import io.edgefuse.protocol.ota.OtaException;
import io.edgefuse.protocol.ota.OtaInbox;
import io.edgefuse.protocol.ota.OtaTopics;
import io.edgefuse.protocol.ota.TrustedKeys;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.function.Supplier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker node: its executor, model store and task pool, and an MQTT connection on its own
 * Vert.x event loop that takes tile tasks, answers them, and reports status and heartbeats. It keeps
 * reconnecting while the broker is away. {@link #close()} announces offline and releases everything it
 * started, including the executor it was given.
 */
public final class EdgeNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeNode.class);
    private static final long START_TIMEOUT_S = 30, STOP_TIMEOUT_S = 10;

    /**
     * Reported when the probe is off: Membership's defaults' proportions around 1 GFLOP/s conv, flagged
     * "measured": false in the status so nobody mistakes them for a measurement.
     */
    public static final Capacity NOMINAL_CAPACITY = new Capacity(
            Map.of("conv", 1.0, "depthwise", 0.33, "pool", 0.07, "dense", 0.2, "elementwise", 0.07), 0.1, 1.0);

    private final NodeConfig config;
    private final Executor executor;
    private final ModelStore store;
    private final Capacity capacity;
    private final TaskRunner runner;
    private final Vertx vertx;
    private final NodeVerticle verticle;
    private final String deploymentId;
    private final OtaInbox ota;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** What the node runs inside, when it is an OSGi bundle: the bundles to report and how to install one. */
    public record Host(Supplier<Map<String, String>> bundles, OtaInbox.Installer bundleInstaller) {
        public static final Host PLAIN_JVM = new Host(Map::of, null);
    }

    private EdgeNode(NodeConfig config, Executor executor, ModelStore store, Capacity capacity, TaskRunner runner,
                     Vertx vertx, NodeVerticle verticle, String deploymentId, OtaInbox ota) {
        this.config = config;
        this.executor = executor;
        this.store = store;
        this.capacity = capacity;
        this.runner = runner;
        this.vertx = vertx;
        this.verticle = verticle;
        this.deploymentId = deploymentId;
        this.ota = ota;
    }

    /**
     * Starts a node with a given executor and store (models already in it). Probes capacity first when
     * configured (blocking, about a second on tf), then returns once the MQTT side is deployed; the
     * connection itself is made, and remade, in the background.
     */
    public static EdgeNode start(NodeConfig config, Executor executor, ModelStore store) {
        return start(config, executor, store, Host.PLAIN_JVM);
    }

    /**
     * As {@link #start(NodeConfig, Executor, ModelStore)}, inside a host that reports its bundles and,
     * when it can, installs bundles sent over the air. With {@code ota.trusted.keys} set the node also
     * takes models (and bundles, if the host installs them) over the air.
     */
    public static EdgeNode start(NodeConfig config, Executor executor, ModelStore store, Host host) {
        return start(config, executor, store, host, null);
    }

    /** As {@link #start(NodeConfig, Executor, ModelStore, Host)} with a capacity measured beforehand (null: probe as configured). */
    static EdgeNode start(NodeConfig config, Executor executor, ModelStore store, Host host, Capacity measured) {
        TrustedKeys keys;
        try {
            keys = config.ota().enabled() ? TrustedKeys.load(config.ota().trustedKeys().stream().map(Path::of).toList()) : TrustedKeys.none();
        } catch (OtaException e) {
            throw new IllegalArgumentException("node config: 'ota.trusted.keys': " + e.getMessage(), e);
        }
        Capacity capacity = measured != null ? measured : !config.probe() ? NOMINAL_CAPACITY
                : config.probeReference() != null ? CapacityProbe.relativeTo(executor, reference(config), probeModel(store)) : CapacityProbe.measure(executor);
        if (config.probe()) LOG.info("node {}: {} executor capacity {}", config.nodeId(), executor.name(), capacity);
        TaskRunner runner = new TaskRunner(config.nodeId(), executor, store, config.workers(), config.queueCapacity());
        StatusMessages messages = new StatusMessages(executor.name(), capacity, config.probe(), store, host.bundles(), config.workers() + config.queueCapacity());
        // One event loop is all a node's MQTT traffic needs; compute runs on the task pool, not here.
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        NodeVerticle verticle = new NodeVerticle(config, runner, messages, store);
        OtaInbox ota = null;
        if (config.ota().enabled()) {
            Map<Manifest.Kind, OtaInbox.Installer> installers = new HashMap<>();
            installers.put(Manifest.Kind.MODEL, new ModelInstaller(store, executor));
            if (host.bundleInstaller() != null) installers.put(Manifest.Kind.BUNDLE, host.bundleInstaller());
            // A chunk plus the MQTT header must fit the node's message limit.
            ota = new OtaInbox(new OtaInbox.Settings(config.nodeId(), keys, config.ota().staging(config.nodeId()), config.ota().stallTimeoutMs(),
                    config.maxMessageBytes() - 4096), new OtaTopics(config.topicRoot()), verticle, installers);
            verticle.ota(ota);
            LOG.info("node {}: OTA on ({} trusted keys {}, staging {})", config.nodeId(), keys.ids().size(), keys.ids(), config.ota().staging(config.nodeId()));
        }
        try {
            String id = await(vertx.deployVerticle(verticle), START_TIMEOUT_S);
            return new EdgeNode(config, executor, store, capacity, runner, vertx, verticle, id, ota);
        } catch (RuntimeException e) {
            if (ota != null) ota.close();
            runner.close();
            await(vertx.close(), STOP_TIMEOUT_S);
            throw e;
        }
    }

    /** The model whose conv layers the relative probe times: the first one loaded (null: none, the synthetic layers). */
    static io.edgefuse.model.Model probeModel(ModelStore store) {
        List<ModelStore.ModelRef> l = store.list();
        return l.isEmpty() ? null : store.get(l.get(0).name(), l.get(0).version());
    }

    /** The probe reference file: {gflops{conv, ...}, layerOverheadMs, taskOverheadMs}. */
    static Capacity reference(NodeConfig config) {
        try {
            io.vertx.core.json.JsonObject j = new io.vertx.core.json.JsonObject(java.nio.file.Files.readString(java.nio.file.Path.of(config.probeReference())));
            Map<String, Double> g = new java.util.LinkedHashMap<>();
            io.vertx.core.json.JsonObject gj = j.getJsonObject("gflops");
            if (gj == null) throw new IllegalArgumentException("no 'gflops' object");
            for (String k : gj.fieldNames()) g.put(k, gj.getDouble(k));
            return new Capacity(g, j.getDouble("layerOverheadMs", 0.0), j.getDouble("taskOverheadMs", 0.0));
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("node " + config.nodeId() + ": 'probe.reference' = '" + config.probeReference() + "' is not a readable capacity file: " + e.getMessage(), e);
        }
    }

    public NodeConfig config() {
        return config;
    }

    public String nodeId() {
        return config.nodeId();
    }

    /** The node's models; adding or removing one re-publishes the node's status. */
    public ModelStore models() {
        return store;
    }

    public Capacity capacity() {
        return capacity;
    }

    public String engine() {
        return executor.name();
    }

    /** Reports an OTA outcome that was decided while no node was running (a bundle update across a restart). */
    public void report(io.edgefuse.protocol.ota.OtaReport r) {
        verticle.report(r);
    }

    /** Re-publishes the retained status, e.g. after the host's bundles changed. */
    public void statusChanged() {
        verticle.statusChanged();
    }

    /** Whether the node is subscribed to its tasks and has announced itself online. */
    public boolean online() {
        return verticle.online();
    }

    /** Publishes status offline (retained), disconnects, stops the event loop, the workers and the executor. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        if (ota != null) ota.close();
        try {
            await(vertx.undeploy(deploymentId), STOP_TIMEOUT_S);
        } catch (RuntimeException e) {
            LOG.warn("node {}: undeploy: {}", nodeId(), e.toString());
        }
        runner.close();
        try {
            await(vertx.close(), STOP_TIMEOUT_S);
        } catch (RuntimeException e) {
            LOG.warn("node {}: closing Vert.x: {}", nodeId(), e.toString());
        }
        executor.close();
    }

    private static <T> T await(Future<T> f, long seconds) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(c.getMessage() == null ? c.toString() : c.getMessage(), c);
        }
    }
}
