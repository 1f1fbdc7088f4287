package io.edgefuse.protocol;

import io.edgefuse.model.tensor.Half;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgefuse.model.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The binary frame of tasks and results: a 4-byte big-endian header length, a UTF-8 JSON header, then
 * the raw tensor (little-endian). The header's "tensor" object says {shape, dtype[, scale]}; int8 is
 * symmetric (value = q * scale). Decoding checks every length against the payload, so a truncated or
 * forged frame is refused with a message, never read past its end.
 */
public final class Frames {
    public static final int MAX_HEADER_BYTES = 64 * 1024;
    static final ObjectMapper JSON = new ObjectMapper();

    private Frames() {}

    public static ObjectNode header() {
        return JSON.createObjectNode();
    }

    public static byte[] encode(ObjectNode header, Tensor t, DType dtype) {
        ObjectNode h = header.deepCopy();
        float scale = 1;
        if (t != null) {
            ObjectNode tn = h.putObject("tensor");
            ArrayNode shape = tn.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            tn.put("dtype", dtype.wire());
            if (dtype == DType.INT8) {
                scale = Math.max(t.maxAbs(), Float.MIN_NORMAL) / 127f;
                tn.put("scale", scale);
            }
        }
        byte[] hb;
        try {
            hb = JSON.writeValueAsBytes(h);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (hb.length > MAX_HEADER_BYTES) throw new ProtocolException(ErrorCode.BAD_FRAME, "frame header of " + hb.length + " bytes exceeds " + MAX_HEADER_BYTES);
        int body = t == null ? 0 : t.size() * dtype.bytes();
        ByteBuffer b = ByteBuffer.allocate(4 + hb.length + body);
        b.putInt(hb.length).put(hb).order(ByteOrder.LITTLE_ENDIAN);
        if (t != null) {
            float[] d = t.data();
            switch (dtype) {
                case FLOAT32 -> b.asFloatBuffer().put(d);
                case FLOAT16 -> {
                    for (float v : d) b.putShort(Half.fromFloat(v));
                }
                case INT8 -> {
                    for (float v : d) b.put((byte) Math.max(-127, Math.min(127, Math.round(v / scale))));
                }
            }
        }
        return b.array();
    }

    public static Frame decode(byte[] payload) {
        if (payload == null || payload.length < 4) throw new ProtocolException(ErrorCode.BAD_FRAME, "frame of " + (payload == null ? 0 : payload.length) + " bytes is shorter than its 4-byte header length");
        ByteBuffer b = ByteBuffer.wrap(payload);
        int hl = b.getInt();
        if (hl < 2 || hl > MAX_HEADER_BYTES || hl > payload.length - 4) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "frame header length " + hl + " is invalid for a " + payload.length + "-byte frame");
        }
        JsonNode h;
        try {
            h = JSON.readTree(payload, 4, hl);
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "frame header is not valid JSON: " + e.getMessage().split("\n")[0]);
        }
        if (h == null || !h.isObject()) throw new ProtocolException(ErrorCode.BAD_FRAME, "frame header is not a JSON object");
        ObjectNode header = (ObjectNode) h;
        JsonNode tn = header.get("tensor");
        int bodyStart = 4 + hl, body = payload.length - bodyStart;
        if (tn == null || tn.isNull()) {
            if (body != 0) throw new ProtocolException(ErrorCode.BAD_FRAME, "frame has " + body + " bytes after a header that declares no tensor");
            return new Frame(header, null);
        }
        DType dtype = DType.fromWire(tn.path("dtype").asText("float32"));
        JsonNode sn = tn.path("shape");
        if (!sn.isArray() || sn.isEmpty() || sn.size() > 4) throw new ProtocolException(ErrorCode.BAD_FRAME, "frame tensor needs a shape of 1 to 4 dimensions");
        int[] shape = new int[sn.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = sn.get(i).asLong(-1);
            if (!sn.get(i).isIntegralNumber() || d <= 0 || d > Integer.MAX_VALUE) throw new ProtocolException(ErrorCode.BAD_FRAME, "frame tensor has a bad dimension " + sn.get(i));
            shape[i] = (int) d;
            count *= d;
        }
        if (count * dtype.bytes() != body) {
            throw new ProtocolException(ErrorCode.BAD_FRAME, "frame tensor " + java.util.Arrays.toString(shape) + " " + dtype.wire() + " needs " + count * dtype.bytes()
                    + " bytes, the frame has " + body + (body < count * dtype.bytes() ? " (truncated?)" : ""));
        }
        float[] data = new float[(int) count];
        ByteBuffer d = ByteBuffer.wrap(payload, bodyStart, body).slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case FLOAT32 -> d.asFloatBuffer().get(data);
            case FLOAT16 -> {
                for (int i = 0; i < data.length; i++) data[i] = Half.toFloat(d.getShort());
            }
            case INT8 -> {
                float scale = (float) tn.path("scale").asDouble(Double.NaN);
                if (!(scale > 0)) throw new ProtocolException(ErrorCode.BAD_FRAME, "int8 frame tensor needs a positive scale");
                for (int i = 0; i < data.length; i++) data[i] = d.get() * scale;
            }
        }
        return new Frame(header, new Tensor(shape, data));
    }
}
