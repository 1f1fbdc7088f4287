package io.edgefuse.runtime.ota;

import io.edgefuse.protocol.ota.ArtifactPublisher;
import io.edgefuse.protocol.ota.KeyFiles;
import io.edgefuse.protocol.ota.Manifest;
import io.edgefuse.protocol.ota.OtaReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Pushes one artifact version: signs and publishes its chunks and manifest (retained), withdraws the
 * retained copies of the name's other versions (so a node that connects later gets only the newest),
 * and waits for every target node's outcome.
 */
public final class ArtifactPush {
    /** The outcome: the manifest, each target's final report (null: none in time), and seconds from the first chunk sent to all sent / to the last outcome. */
    public record Result(Manifest manifest, List<String> targets, Map<String, OtaReport> outcome, double publishSeconds, double totalSeconds) {
        public boolean allActive() {
            return outcome.values().stream().allMatch(r -> r != null && r.state() == OtaReport.State.ACTIVE);
        }
    }

    private ArtifactPush() {}

    public static Result push(OtaClient client, KeyFiles.SigningKey key, Manifest.Kind kind, String name, String version, byte[] artifact,
                              List<String> nodes, int chunkSize, Duration timeout, Consumer<String> log) {
        client.settle(Duration.ofMillis(300));
        List<String> targets = client.targets(nodes);
        ArtifactPublisher.Publication p = new ArtifactPublisher(client.topics(), key)
                .publish(kind, name, version, artifact, nodes == null || nodes.contains("all") ? List.of() : nodes, chunkSize);
        Map<String, Manifest> old = client.retainedManifests(kind, name, Duration.ofMillis(300));
        log.accept("publishing " + p.manifest().describe() + ": " + artifact.length + " bytes in " + p.manifest().chunkCount() + " chunks of "
                + chunkSize + ", signed by key " + key.keyId() + ", for " + (targets.isEmpty() ? "no node online now" : String.join(", ", targets)));
        // Timed from the first chunk sent: the look-ups above are the tool's, not the transfer's.
        long t0 = System.nanoTime();
        int total = p.messages().size();
        int step = Math.max(1, total / 10);
        client.send(p.messages(), i -> {
            if (i % step == 0 && i < total) log.accept("  sent " + i + "/" + total + " messages");
        });
        double published = (System.nanoTime() - t0) / 1e9;
        List<ArtifactPublisher.Message> withdraw = new ArrayList<>();
        for (Manifest m : old.values()) if (!m.version().equals(version)) withdraw.addAll(ArtifactPublisher.withdraw(client.topics(), m));
        if (!withdraw.isEmpty()) {
            client.send(withdraw, null);
            log.accept("withdrew the retained copies of " + (old.size() - (old.containsKey(version) ? 1 : 0)) + " older version(s)");
        }
        Map<String, OtaReport> outcome = client.await(kind, name, version, targets, timeout, r -> {
            if (r.state() != OtaReport.State.DOWNLOADING || r.progress() == 0) log.accept("  " + r);
        });
        return new Result(p.manifest(), targets, outcome, published, (System.nanoTime() - t0) / 1e9);
    }
}
