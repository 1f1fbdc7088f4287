package io.edgefuse.protocol.ota;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an artifact into chunks and signs its manifest: everything an operator's tool publishes, as
 * messages, so the tool only has to send them (retained, QoS 1). Chunks first, manifest last: a node
 * that sees the manifest can fetch every chunk.
 */
public final class ArtifactPublisher {
    /** One MQTT message to send; an empty retained payload deletes a retained message. */
    public record Message(String topic, byte[] payload, boolean retained) {}

    /** The signed manifest and the messages that carry it. */
    public record Publication(Manifest manifest, List<Message> messages) {}

    private final OtaTopics topics;
    private final KeyFiles.SigningKey key;

    public ArtifactPublisher(OtaTopics topics, KeyFiles.SigningKey key) {
        this.topics = topics;
        this.key = key;
    }

    public Publication publish(Manifest.Kind kind, String name, String version, byte[] artifact, List<String> nodes, int chunkSize) {
        return publish(kind, name, version, artifact, nodes, chunkSize, System.currentTimeMillis());
    }

    public Publication publish(Manifest.Kind kind, String name, String version, byte[] artifact, List<String> nodes, int chunkSize, long issuedAt) {
        if (chunkSize < Manifest.MIN_CHUNK || chunkSize > Manifest.MAX_CHUNK) {
            throw new OtaException("chunk size " + chunkSize + " outside " + Manifest.MIN_CHUNK + ".." + Manifest.MAX_CHUNK);
        }
        int count = (int) ((artifact.length + (long) chunkSize - 1) / chunkSize);
        List<String> hashes = new ArrayList<>(count);
        List<Message> out = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
            int off = i * chunkSize, len = Math.min(chunkSize, artifact.length - off);
            hashes.add(Sha256.hex(artifact, off, len));
            byte[] c = new byte[len];
            System.arraycopy(artifact, off, c, 0, len);
            out.add(new Message(topics.chunk(kind, name, version, i), c, true));
        }
        Manifest unsigned = new Manifest(name, version, kind, artifact.length, Sha256.hex(artifact), chunkSize, count, hashes, nodes,
                issuedAt, key.keyId(), "");
        Manifest signed = unsigned.withSignature(key.keyId(), key.sign(unsigned.canonicalBytes()));
        out.add(new Message(topics.manifest(kind, name, version), signed.toJson(), true));
        return new Publication(signed, out);
    }

    /** Messages that delete an artifact version's retained manifest and chunks from the broker. */
    public static List<Message> withdraw(OtaTopics topics, Manifest m) {
        List<Message> out = new ArrayList<>();
        // Manifest first: nobody starts a transfer whose chunks are about to vanish.
        out.add(new Message(topics.manifest(m.kind(), m.name(), m.version()), new byte[0], true));
        for (int i = 0; i < m.chunkCount(); i++) out.add(new Message(topics.chunk(m.kind(), m.name(), m.version(), i), new byte[0], true));
        return out;
    }

}
