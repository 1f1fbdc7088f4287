package io.edgefuse.protocol.ota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgefuse.protocol.Topics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an artifact version is, signed: {@code {name, version, kind, size, sha256, chunkSize, chunkCount,
 * chunkSha256[], nodes[], issuedAt, keyId, signature}}. The signature is Ed25519 over
 * {@link #canonicalBytes()}: the same JSON without the signature, fields in this fixed order, no
 * whitespace. A receiver rebuilds those bytes from the parsed fields, so a manifest whose fields were
 * changed in transit no longer verifies. {@code nodes} empty means every node.
 */
public record Manifest(String name, String version, Kind kind, long size, String sha256, int chunkSize, int chunkCount,
                       List<String> chunkSha256, List<String> nodes, long issuedAt, String keyId, String signature) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Below this a transfer is all overhead; above it a chunk may not fit a broker's packet limit. */
    public static final int MIN_CHUNK = 1024, MAX_CHUNK = 16 << 20;
    public static final int DEFAULT_CHUNK = 256 << 10;
    /** 4 GiB of chunks would take hours over WiFi; anything larger is a mistake or an attack. */
    public static final long MAX_SIZE = 4L << 30;

    public enum Kind {
        MODEL, BUNDLE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public String plural() {
            return wire() + "s";
        }

        public static Kind of(String s) {
            for (Kind k : values()) if (k.wire().equals(s)) return k;
            throw new OtaException("manifest kind '" + s + "' is neither model nor bundle");
        }

        static Kind ofPlural(String s) {
            for (Kind k : values()) if (k.plural().equals(s)) return k;
            return null;
        }
    }

    public Manifest {
        chunkSha256 = List.copyOf(chunkSha256);
        nodes = List.copyOf(nodes == null ? List.of() : nodes);
        check(name, version, kind, size, sha256, chunkSize, chunkCount, chunkSha256, nodes);
    }

    private static void check(String name, String version, Kind kind, long size, String sha256, int chunkSize, int chunkCount,
                              List<String> chunkSha256, List<String> nodes) {
        try {
            Topics.id(name);
            Topics.id(version);
            for (String n : nodes) if (!n.equals("all")) Topics.id(n);
        } catch (IllegalArgumentException e) {
            throw new OtaException("manifest: " + e.getMessage());
        }
        if (kind == null) throw new OtaException("manifest: kind missing");
        if (size < 0 || size > MAX_SIZE) throw new OtaException("manifest: size " + size + " outside 0.." + MAX_SIZE);
        if (chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK) throw new OtaException("manifest: chunkSize " + chunkSize + " outside " + MIN_CHUNK + ".." + MAX_CHUNK);
        long expected = (size + chunkSize - 1) / chunkSize;
        if (chunkCount != expected) throw new OtaException("manifest: chunkCount " + chunkCount + " does not match size " + size + " / chunkSize " + chunkSize + " (" + expected + ")");
        if (chunkSha256.size() != chunkCount) throw new OtaException("manifest: " + chunkSha256.size() + " chunk hashes for " + chunkCount + " chunks");
        if (!isSha(sha256)) throw new OtaException("manifest: sha256 is not 64 hex digits");
        for (String h : chunkSha256) if (!isSha(h)) throw new OtaException("manifest: a chunk hash is not 64 hex digits");
    }

    private static boolean isSha(String s) {
        return s != null && s.matches("[0-9a-f]{64}");
    }

    /** "model resnet18 3f1c2a..." for reports and logs. */
    public String describe() {
        return kind.wire() + " " + name + " " + (version.length() > 16 ? version.substring(0, 16) : version);
    }

    public boolean targets(String node) {
        return nodes.isEmpty() || nodes.contains("all") || nodes.contains(node);
    }

    /** Bytes of chunk i (the last one may be short). */
    public int chunkLength(int i) {
        if (i < 0 || i >= chunkCount) throw new OtaException("chunk " + i + " is outside 0.." + (chunkCount - 1));
        return (int) Math.min(chunkSize, size - (long) i * chunkSize);
    }

    public Manifest withSignature(String keyId, String signature) {
        return new Manifest(name, version, kind, size, sha256, chunkSize, chunkCount, chunkSha256, nodes, issuedAt, keyId, signature);
    }

    /** The bytes that are signed: every field but the signature, in declaration order, no whitespace. */
    public byte[] canonicalBytes() {
        return bytes(json(false));
    }

    public byte[] toJson() {
        return bytes(json(true));
    }

    private ObjectNode json(boolean withSignature) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", name).put("version", version).put("kind", kind.wire()).put("size", size).put("sha256", sha256)
                .put("chunkSize", chunkSize).put("chunkCount", chunkCount);
        var hashes = o.putArray("chunkSha256");
        chunkSha256.forEach(hashes::add);
        var targets = o.putArray("nodes");
        nodes.forEach(targets::add);
        o.put("issuedAt", issuedAt).put("keyId", keyId == null ? "" : keyId);
        if (withSignature) o.put("signature", signature == null ? "" : signature);
        return o;
    }

    private static byte[] bytes(ObjectNode o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses and checks the shape of a manifest; the signature is checked by {@link TrustedKeys#verify}. */
    public static Manifest parse(byte[] payload) {
        JsonNode o;
        try {
            o = JSON.readTree(payload);
        } catch (IOException e) {
            throw new OtaException("manifest is not JSON: " + e.getMessage());
        }
        if (o == null || !o.isObject()) throw new OtaException("manifest is not a JSON object");
        List<String> hashes = new ArrayList<>(), nodes = new ArrayList<>();
        for (JsonNode h : o.path("chunkSha256")) hashes.add(h.asText());
        for (JsonNode n : o.path("nodes")) nodes.add(n.asText());
        for (String f : List.of("name", "version", "kind", "size", "sha256", "chunkSize", "chunkCount", "keyId", "signature")) {
            if (!o.hasNonNull(f)) throw new OtaException("manifest lacks '" + f + "'");
        }
        return new Manifest(o.path("name").asText(), o.path("version").asText(), Kind.of(o.path("kind").asText()),
                o.path("size").asLong(-1), o.path("sha256").asText(), o.path("chunkSize").asInt(-1), o.path("chunkCount").asInt(-1),
                hashes, nodes, o.path("issuedAt").asLong(0), o.path("keyId").asText(), o.path("signature").asText());
    }
}
