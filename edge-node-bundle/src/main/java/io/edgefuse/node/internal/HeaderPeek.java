package io.edgefuse.node.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgefuse.protocol.Frames;
import java.nio.ByteBuffer;

/**
 * The ids and deadline of a task frame, read from its JSON header alone. The event loop uses it to
 * triage (BUSY, TIMEOUT, error replies) without paying for the tensor, which a worker decodes later
 * with {@link io.edgefuse.protocol.TaskFrame#decode}. Null fields mean "could not be read".
 */
record HeaderPeek(String request, String task, long deadlineEpochMs) {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final HeaderPeek UNREADABLE = new HeaderPeek(null, null, 0);

    static HeaderPeek of(byte[] payload) {
        if (payload == null || payload.length < 4) return UNREADABLE;
        int hl = ByteBuffer.wrap(payload).getInt();
        if (hl < 2 || hl > Frames.MAX_HEADER_BYTES || hl > payload.length - 4) return UNREADABLE;
        try {
            JsonNode h = JSON.readTree(payload, 4, hl);
            if (h == null || !h.isObject()) return UNREADABLE;
            return new HeaderPeek(text(h, "request"), text(h, "task"), h.path("deadline").asLong(0));
        } catch (Exception e) {
            return UNREADABLE;
        }
    }

    /** Whether an error reply can be addressed at all. */
    boolean addressable() {
        return request != null && task != null;
    }

    boolean expired(long nowMs) {
        return deadlineEpochMs > 0 && nowMs > deadlineEpochMs;
    }

    private static String text(JsonNode h, String k) {
        JsonNode v = h.get(k);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
    }
}
