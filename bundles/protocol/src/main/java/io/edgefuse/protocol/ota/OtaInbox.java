package io.edgefuse.protocol.ota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of OTA for one node (or coordinator): takes the messages of the manifest, chunk and
 * rollback topics, checks each manifest's signature and target, fetches the chunks it does not have yet
 * (subscribing to that version's chunk topics; the broker re-delivers the retained ones), verifies every
 * chunk and the whole, hands the artifact to the {@link Installer} of its kind, and reports every step.
 * A transfer that gets no new chunk for the stall timeout is rejected as truncated; its verified chunks
 * stay staged, so the next push or reconnect resumes it. All work happens on one thread of its own:
 * the MQTT client's thread only enqueues.
 */
public final class OtaInbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OtaInbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PROGRESS_EVERY_NS = 1_000_000_000L;

    /** The MQTT side, as the inbox needs it. Calls come from the inbox's thread. */
    public interface Link {
        void subscribe(String filter);

        void unsubscribe(String filter);

        /** A report for {@code {root}/nodes/{node}/ota} (QoS 1, not retained); may be a no-op. */
        void report(OtaReport r);
    }

    /** Says what to do with a verified artifact of one kind. */
    public interface Installer {
        /** True when exactly this artifact is already in use: its retained manifest needs no transfer. */
        boolean installed(Manifest m);

        /**
         * Puts a verified artifact into use, reporting the states after VERIFYING (STAGED, WARMING, ...)
         * through {@code progress}. Throws OtaException (or anything) with the reason to reject it; the
         * version in use before must then still be in use.
         */
        void install(Manifest m, Path artifact, Progress progress);

        /** Switches a model back to the version before the active one; returns that version. */
        default String rollback(String name) {
            throw new OtaException("rollback is not supported for this kind");
        }
    }

    public interface Progress {
        void report(OtaReport.State state, String reason);
    }

    /** Who receives (node id: matched against manifests' targets, and the name on reports), and how. */
    public record Settings(String self, TrustedKeys keys, Path staging, long stallTimeoutMs, int maxChunkBytes) {}

    private final Settings settings;
    private final OtaTopics topics;
    private final Link link;
    private final Map<Manifest.Kind, Installer> installers;
    private final ScheduledExecutorService thread;
    private final Map<String, Transfer> transfers = new HashMap<>();

    private static final class Transfer {
        final ArtifactReceiver receiver;
        final String chunkFilter;
        long lastProgressNanos = System.nanoTime(), lastReportNanos;

        Transfer(ArtifactReceiver receiver, String chunkFilter) {
            this.receiver = receiver;
            this.chunkFilter = chunkFilter;
        }
    }

    public OtaInbox(Settings settings, OtaTopics topics, Link link, Map<Manifest.Kind, Installer> installers) {
        this.settings = settings;
        this.topics = topics;
        this.link = link;
        this.installers = Map.copyOf(installers);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "edgefuse-ota-" + settings.self());
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(50, Math.min(1000, settings.stallTimeoutMs() / 4));
        thread.scheduleWithFixedDelay(this::checkStalled, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** The topic filters the link must subscribe (again after every reconnect) and route to {@link #onMessage}. */
    public List<String> subscriptions() {
        List<String> l = new ArrayList<>();
        for (Manifest.Kind k : installers.keySet()) l.add(topics.allManifests(k));
        if (installers.containsKey(Manifest.Kind.MODEL)) l.add(topics.allRollbacks());
        return l;
    }

    /** True for topics this inbox handles (manifests, chunks, rollbacks under the root). */
    public boolean handles(String topic) {
        OtaTopics.Address a = topics.parse(topic);
        return a != null && installers.containsKey(a.kind());
    }

    public void onMessage(String topic, byte[] payload) {
        submit(() -> handle(topic, payload));
    }

    /** After a reconnect: the link has re-subscribed {@link #subscriptions()}; running transfers fetch what they miss. */
    public void onConnected() {
        submit(() -> {
            for (Transfer t : transfers.values()) {
                t.lastProgressNanos = System.nanoTime();
                link.subscribe(t.chunkFilter);
            }
        });
    }

    private void submit(Runnable r) {
        try {
            thread.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: OTA message handling failed", settings.self(), e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing: the message has nowhere to go
        }
    }

    private void handle(String topic, byte[] payload) {
        OtaTopics.Address a = topics.parse(topic);
        if (a == null || !installers.containsKey(a.kind())) return;
        if (a.isRollback()) rollback(a.name(), payload);
        else if (a.isManifest()) manifest(a, payload);
        else chunk(a, payload);
    }

    private static String key(Manifest.Kind k, String name, String version) {
        return k.wire() + "/" + name + "/" + version;
    }

    private void manifest(OtaTopics.Address a, byte[] payload) {
        String key = key(a.kind(), a.name(), a.version());
        if (payload.length == 0) {
            // withdrawn (an empty retained message deletes the retained manifest)
            Transfer t = transfers.remove(key);
            if (t != null) {
                link.unsubscribe(t.chunkFilter);
                report(t.receiver.manifest(), OtaReport.State.REJECTED, "withdrawn: the manifest was deleted during the transfer", t.receiver.progress());
            }
            return;
        }
        Manifest m;
        try {
            m = Manifest.parse(payload);
            if (!m.name().equals(a.name()) || !m.version().equals(a.version()) || m.kind() != a.kind()) {
                throw new OtaException("manifest for " + m.describe() + " was published on the topic of " + a.kind().wire() + " " + a.name() + " " + a.version());
            }
        } catch (OtaException e) {
            link.report(new OtaReport(settings.self(), a.name(), a.kind(), a.version(), OtaReport.State.REJECTED, e.getMessage(), 0));
            LOG.warn("{}: rejected manifest on {}: {}", settings.self(), a, e.getMessage());
            return;
        }
        if (!m.targets(settings.self())) return;
        Installer installer = installers.get(m.kind());
        if (installer.installed(m)) return;
        Transfer running = transfers.get(key);
        if (running != null && running.receiver.manifest().sha256().equals(m.sha256())) return;
        if (running != null) {
            link.unsubscribe(running.chunkFilter);
            transfers.remove(key);
        }
        try {
            settings.keys().verify(m);
            if (m.chunkSize() > settings.maxChunkBytes()) {
                throw new OtaException("chunk size " + m.chunkSize() + " exceeds this receiver's message limit of " + settings.maxChunkBytes() + " bytes");
            }
        } catch (OtaException e) {
            reject(m, e.getMessage(), 0);
            return;
        }
        ArtifactReceiver r;
        try {
            r = new ArtifactReceiver(m, settings.staging());
        } catch (OtaException e) {
            reject(m, e.getMessage(), 0);
            return;
        }
        LOG.info("{}: receiving {} ({} bytes, {} chunks, {} already staged)", settings.self(), m.describe(), m.size(), m.chunkCount(), r.received());
        if (r.complete()) {
            finish(m, r);
            return;
        }
        Transfer t = new Transfer(r, topics.chunks(m.kind(), m.name(), m.version()));
        transfers.put(key, t);
        report(m, OtaReport.State.DOWNLOADING, null, r.progress());
        t.lastReportNanos = System.nanoTime();
        link.subscribe(t.chunkFilter);
    }

    private void chunk(OtaTopics.Address a, byte[] payload) {
        String key = key(a.kind(), a.name(), a.version());
        Transfer t = transfers.get(key);
        if (t == null || payload.length == 0) return;
        Manifest m = t.receiver.manifest();
        boolean fresh;
        try {
            fresh = t.receiver.accept(a.chunk(), payload);
        } catch (OtaException e) {
            transfers.remove(key);
            link.unsubscribe(t.chunkFilter);
            reject(m, e.getMessage(), t.receiver.progress());
            return;
        }
        if (!fresh) return;
        long now = System.nanoTime();
        t.lastProgressNanos = now;
        if (t.receiver.complete()) {
            transfers.remove(key);
            link.unsubscribe(t.chunkFilter);
            finish(m, t.receiver);
        } else if (now - t.lastReportNanos >= PROGRESS_EVERY_NS) {
            t.lastReportNanos = now;
            report(m, OtaReport.State.DOWNLOADING, null, t.receiver.progress());
        }
    }

    private void finish(Manifest m, ArtifactReceiver r) {
        report(m, OtaReport.State.VERIFYING, null, 1.0);
        Path artifact;
        try {
            artifact = r.assemble();
        } catch (OtaException e) {
            reject(m, e.getMessage(), 1.0);
            return;
        }
        try {
            installers.get(m.kind()).install(m, artifact, (state, reason) -> report(m, state, reason, 1.0));
            r.dropChunks();
        } catch (Throwable e) {
            String why = e instanceof OtaException || e instanceof IllegalArgumentException ? e.getMessage() : e.toString();
            reject(m, why, 1.0);
        }
    }

    private void rollback(String name, byte[] payload) {
        List<String> nodes = new ArrayList<>();
        try {
            JsonNode o = payload.length == 0 ? JSON.createObjectNode() : JSON.readTree(payload);
            for (JsonNode n : o.path("nodes")) nodes.add(n.asText());
        } catch (IOException e) {
            LOG.warn("{}: ignored a rollback of {} that is not JSON", settings.self(), name);
            return;
        }
        if (!nodes.isEmpty() && !nodes.contains("all") && !nodes.contains(settings.self())) return;
        try {
            String to = installers.get(Manifest.Kind.MODEL).rollback(name);
            link.report(new OtaReport(settings.self(), name, Manifest.Kind.MODEL, to, OtaReport.State.ROLLED_BACK, "rolled back on request", 1.0));
        } catch (RuntimeException e) {
            link.report(new OtaReport(settings.self(), name, Manifest.Kind.MODEL, "none", OtaReport.State.REJECTED, "rollback refused: " + e.getMessage(), 0));
        }
    }

    private void checkStalled() {
        long now = System.nanoTime();
        for (var it = transfers.entrySet().iterator(); it.hasNext();) {
            Transfer t = it.next().getValue();
            long quietMs = (now - t.lastProgressNanos) / 1_000_000;
            if (quietMs < settings.stallTimeoutMs()) continue;
            it.remove();
            link.unsubscribe(t.chunkFilter);
            ArtifactReceiver r = t.receiver;
            reject(r.manifest(), "truncated transfer: " + r.missing() + " of " + r.manifest().chunkCount() + " chunks missing after " + quietMs
                    + " ms without a new one (" + r.received() + " verified chunks stay staged; push again to resume)", r.progress());
        }
    }

    private void reject(Manifest m, String reason, double progress) {
        LOG.warn("{}: rejected {}: {}", settings.self(), m.describe(), reason);
        report(m, OtaReport.State.REJECTED, reason, progress);
    }

    private void report(Manifest m, OtaReport.State s, String reason, double progress) {
        if (s != OtaReport.State.DOWNLOADING) LOG.info("{}: {} {}{}", settings.self(), m.describe(), s.wire(), reason == null ? "" : ": " + reason);
        link.report(OtaReport.of(settings.self(), m, s, reason, progress));
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
