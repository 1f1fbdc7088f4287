package io.edgefuse.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.tensor.Tensor;

/** A tile's result, node to coordinator: the computed tile, or an error saying why there is none. */
public record ResultFrame(String request, String task, String node, Region outputRegion, double computeMs,
                          Tensor output, ErrorCode error, String errorMessage) {

    public static ResultFrame ok(TaskFrame t, String node, double computeMs, Tensor output) {
        return new ResultFrame(t.request(), t.task(), node, t.outputRegion(), computeMs, output, null, null);
    }

    public static ResultFrame failed(String request, String task, String node, ErrorCode code, String message) {
        return new ResultFrame(request, task, node, null, 0, null, code, message);
    }

    public boolean isError() {
        return error != null;
    }

    public byte[] encode(DType dtype) {
        ObjectNode h = Frames.header();
        h.put("type", "result").put("request", request).put("task", task).put("node", node);
        TaskFrame.putRegion(h, "outputRegion", outputRegion);
        h.put("computeMs", computeMs);
        if (error != null) h.putObject("error").put("code", error.wire()).put("message", errorMessage);
        return Frames.encode(h, error == null ? output : null, dtype);
    }

    public static ResultFrame decode(byte[] payload) {
        Frame f = Frames.decode(payload);
        ObjectNode h = f.header();
        if (!"result".equals(h.path("type").asText())) throw new ProtocolException(ErrorCode.BAD_FRAME, "not a result frame");
        String request = TaskFrame.text(h, "request"), task = TaskFrame.text(h, "task"), node = TaskFrame.text(h, "node");
        if (h.hasNonNull("error")) {
            return failed(request, task, node, ErrorCode.fromWire(h.path("error").path("code").asText()), h.path("error").path("message").asText());
        }
        if (f.tensor() == null) throw new ProtocolException(ErrorCode.BAD_FRAME, "result frame carries neither a tensor nor an error");
        return new ResultFrame(request, task, node, TaskFrame.region(h, "outputRegion"), h.path("computeMs").asDouble(), f.tensor(), null, null);
    }
}
