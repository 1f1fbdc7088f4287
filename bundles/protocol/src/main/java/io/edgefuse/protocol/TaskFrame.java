package io.edgefuse.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.tensor.Tensor;

/**
 * A tile task, coordinator to node: which request and tile, which model version and stage, the region of
 * the stage input it carries (with halo) and the region of the stage output to compute, and when the
 * answer stops being useful. Regions are null for stages that run whole.
 */
public record TaskFrame(String request, String task, String model, String modelVersion, int first, int last,
                        Region inputRegion, Region outputRegion, long deadlineEpochMs, Tensor input) {

    public byte[] encode(DType dtype) {
        ObjectNode h = Frames.header();
        h.put("type", "task").put("request", request).put("task", task).put("model", model).put("modelVersion", modelVersion);
        h.putObject("stage").put("first", first).put("last", last);
        putRegion(h, "inputRegion", inputRegion);
        putRegion(h, "outputRegion", outputRegion);
        h.put("deadline", deadlineEpochMs);
        return Frames.encode(h, input, dtype);
    }

    public static TaskFrame decode(byte[] payload) {
        Frame f = Frames.decode(payload);
        ObjectNode h = f.header();
        if (!"task".equals(h.path("type").asText())) throw new ProtocolException(ErrorCode.BAD_FRAME, "not a task frame (type '" + h.path("type").asText() + "')");
        if (f.tensor() == null) throw new ProtocolException(ErrorCode.BAD_FRAME, "task frame carries no input tensor");
        JsonNode st = h.path("stage");
        if (!st.path("first").isInt() || !st.path("last").isInt()) throw new ProtocolException(ErrorCode.BAD_FRAME, "task frame lacks stage.first/stage.last");
        return new TaskFrame(text(h, "request"), text(h, "task"), text(h, "model"), text(h, "modelVersion"),
                st.get("first").asInt(), st.get("last").asInt(), region(h, "inputRegion"), region(h, "outputRegion"),
                h.path("deadline").asLong(0), f.tensor());
    }

    static String text(JsonNode h, String k) {
        JsonNode v = h.get(k);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) throw new ProtocolException(ErrorCode.BAD_FRAME, "frame header lacks '" + k + "'");
        return v.asText();
    }

    static void putRegion(ObjectNode h, String k, Region r) {
        if (r == null) {
            h.putNull(k);
            return;
        }
        ArrayNode a = h.putArray(k);
        a.add(r.top()).add(r.bottom()).add(r.left()).add(r.right());
    }

    static Region region(JsonNode h, String k) {
        JsonNode a = h.get(k);
        if (a == null || a.isNull()) return null;
        if (!a.isArray() || a.size() != 4) throw new ProtocolException(ErrorCode.BAD_FRAME, "'" + k + "' must be [top, bottom, left, right]");
        try {
            return new Region(a.get(0).asInt(), a.get(1).asInt(), a.get(2).asInt(), a.get(3).asInt());
        } catch (RuntimeException e) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "'" + k + "': " + e.getMessage());
        }
    }
}
