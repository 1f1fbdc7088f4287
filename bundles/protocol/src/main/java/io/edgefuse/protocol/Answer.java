package io.edgefuse.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a client gets back, always JSON: {requestId, model, modelVersion, top[{label, score}], latencyMs,
 * plan} for a result, {requestId, error{code, message}} otherwise.
 */
public final class Answer {
    public record Label(String label, double score) {}

    private Answer() {}

    public static byte[] result(String requestId, String model, String modelVersion, List<Label> top, double latencyMs, JsonNode plan) {
        ObjectNode o = Frames.JSON.createObjectNode();
        o.put("requestId", requestId).put("model", model).put("modelVersion", modelVersion);
        ArrayNode t = o.putArray("top");
        for (Label l : top) t.addObject().put("label", l.label()).put("score", l.score());
        o.put("latencyMs", Math.round(latencyMs * 100) / 100.0);
        if (plan != null) o.set("plan", plan);
        return bytes(o);
    }

    public static byte[] error(String requestId, ErrorCode code, String message) {
        ObjectNode o = Frames.JSON.createObjectNode();
        if (requestId == null) o.putNull("requestId");
        else o.put("requestId", requestId);
        o.putObject("error").put("code", code.wire()).put("message", message);
        return bytes(o);
    }

    public static JsonNode parse(byte[] payload) {
        try {
            return Frames.JSON.readTree(payload);
        } catch (java.io.IOException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "answer is not JSON: " + e.getMessage());
        }
    }

    private static byte[] bytes(ObjectNode o) {
        try {
            return Frames.JSON.writeValueAsString(o).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
