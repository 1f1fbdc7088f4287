package io.edgefuse.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors container: 8-byte little-endian header size, a JSON header mapping each tensor name to
 * {dtype, shape, data_offsets}, then the raw little-endian data. We read and write F32; F16 is read too.
 */
public final class Safetensors {
    /** Headers larger than this are refused: a corrupt size field must not make us allocate gigabytes. */
    static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {}

    public static Map<String, Tensor> read(ByteBuffer file) {
        ByteBuffer b = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 8) throw new ModelException("safetensors: file is " + b.remaining() + " bytes, shorter than its 8-byte header size");
        long headerLen = b.getLong();
        if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > b.remaining()) {
            throw new ModelException("safetensors: header size " + headerLen + " is invalid for a file of " + file.remaining() + " bytes");
        }
        byte[] hb = new byte[(int) headerLen];
        b.get(hb);
        JsonNode header;
        try {
            header = JSON.readTree(new String(hb, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new ModelException("safetensors: header is not valid JSON: " + e.getMessage().split("\n")[0]);
        }
        if (header == null || !header.isObject()) throw new ModelException("safetensors: header is not a JSON object");
        int dataStart = b.position();
        long dataLen = b.limit() - dataStart;
        Map<String, Tensor> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = header.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.equals("__metadata__")) continue;
            JsonNode t = e.getValue();
            String dtype = t.path("dtype").asText("");
            JsonNode shapeNode = t.path("shape");
            JsonNode off = t.path("data_offsets");
            if (!shapeNode.isArray() || !off.isArray() || off.size() != 2) {
                throw new ModelException("safetensors: tensor '" + name + "' lacks shape or data_offsets");
            }
            int[] shape = new int[shapeNode.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                long d = shapeNode.get(i).asLong(-1);
                if (d < 0 || d > Integer.MAX_VALUE) throw new ModelException("safetensors: tensor '" + name + "' has a bad dimension " + shapeNode.get(i));
                shape[i] = (int) d;
                count *= d;
            }
            long begin = off.get(0).asLong(-1), end = off.get(1).asLong(-1);
            int width = switch (dtype) {
                case "F32" -> 4;
                case "F16" -> 2;
                default -> throw new ModelException("safetensors: tensor '" + name + "' has dtype " + dtype + "; EdgeFuse reads F32 and F16");
            };
            if (begin < 0 || end < begin || end > dataLen) {
                throw new ModelException("safetensors: tensor '" + name + "' has offsets [" + begin + ", " + end + ") outside the " + dataLen + " data bytes (truncated file?)");
            }
            if (end - begin != count * width) {
                throw new ModelException("safetensors: tensor '" + name + "' spans " + (end - begin) + " bytes, its shape needs " + count * width);
            }
            float[] data = new float[(int) count];
            ByteBuffer slice = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            slice.position((int) (dataStart + begin));
            if (width == 4) {
                slice.asFloatBuffer().get(data);
            } else {
                for (int i = 0; i < data.length; i++) data[i] = io.edgefuse.model.tensor.Half.toFloat(slice.getShort());
            }
            out.put(name, new Tensor(shape, data));
        }
        return out;
    }

    /** Writes F32 tensors in the map's order, 8-byte aligned header as the format recommends. */
    public static void write(Map<String, Tensor> tensors, OutputStream os) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            ArrayNode s = t.putArray("shape");
            for (int d : e.getValue().shape()) s.add(d);
            long len = 4L * e.getValue().size();
            t.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] hb = JSON.writeValueAsBytes(header);
        int padded = (hb.length + 7) / 8 * 8;
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        os.write(lenBuf.array());
        os.write(hb);
        for (int i = hb.length; i < padded; i++) os.write(' ');
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer fb = chunk.asFloatBuffer();
        for (Tensor t : tensors.values()) {
            float[] d = t.data();
            int pos = 0;
            while (pos < d.length) {
                int n = Math.min(d.length - pos, fb.capacity());
                fb.clear();
                fb.put(d, pos, n);
                os.write(chunk.array(), 0, n * 4);
                pos += n;
            }
        }
    }
}
