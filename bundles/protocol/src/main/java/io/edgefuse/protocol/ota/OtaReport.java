package io.edgefuse.protocol.ota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Locale;

/**
 * One progress or outcome report on {@code {root}/nodes/{node}/ota}: {@code {node, artifact, kind,
 * version, state, reason, progress, ts}}. progress is the fraction of chunks verified (0..1).
 */
public record OtaReport(String node, String artifact, Manifest.Kind kind, String version, State state, String reason, double progress) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum State {
        DOWNLOADING, VERIFYING, STAGED, WARMING, ACTIVE, REJECTED, ROLLED_BACK;

        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static State of(String s) {
            for (State st : values()) if (st.wire().equals(s)) return st;
            throw new IllegalArgumentException("unknown ota state '" + s + "'");
        }

        /** Nothing more will be reported for this version unless it is pushed again. */
        public boolean terminal() {
            return this == ACTIVE || this == REJECTED || this == ROLLED_BACK;
        }
    }

    public static OtaReport of(String node, Manifest m, State s, String reason, double progress) {
        return new OtaReport(node, m.name(), m.kind(), m.version(), s, reason, progress);
    }

    public byte[] toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("node", node).put("artifact", artifact).put("kind", kind.wire()).put("version", version).put("state", state.wire());
        if (reason != null) o.put("reason", reason);
        o.put("progress", Math.round(progress * 1000) / 1000.0).put("ts", System.currentTimeMillis());
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static OtaReport parse(byte[] payload) {
        try {
            JsonNode o = JSON.readTree(payload);
            return new OtaReport(o.path("node").asText(), o.path("artifact").asText(), Manifest.Kind.of(o.path("kind").asText()),
                    o.path("version").asText(), State.of(o.path("state").asText()), o.hasNonNull("reason") ? o.path("reason").asText() : null,
                    o.path("progress").asDouble());
        } catch (IOException | RuntimeException e) {
            throw new OtaException("not an ota report: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return node + " " + kind.wire() + " " + artifact + "@" + (version.length() > 12 ? version.substring(0, 12) : version) + " " + state.wire()
                + (reason == null ? "" : " (" + reason + ")");
    }
}
