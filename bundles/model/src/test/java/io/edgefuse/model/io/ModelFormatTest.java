package io.edgefuse.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.testing.RandomGraphs;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static io.edgefuse.model.testing.Expect.modelError;
import org.junit.jupiter.api.io.TempDir;

class ModelFormatTest {
    @TempDir
    Path dir;

    @Test
    void writeThenReadGivesTheSameModelAndTheVersionIsTheFilesHash() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            Model m = RandomGraphs.generate(seed);
            Path folder = dir.resolve("m" + seed);
            ModelFormat.write(m, folder);
            Model back = ModelFormat.read(folder);
            assertArrayEquals(ModelFormat.graphBytes(m), ModelFormat.graphBytes(back));
            assertEquals(m.weights().keySet(), back.weights().keySet());
            for (String k : m.weights().keySet()) assertArrayEquals(m.weight(k).data(), back.weight(k).data(), k);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(folder.resolve("model.json")));
            sha.update(Files.readAllBytes(folder.resolve("weights.safetensors")));
            String expected = HexFormat.of().formatHex(sha.digest());
            assertEquals(expected, back.version());
            assertEquals(expected, m.version(), "in-memory version must equal the written files' hash");
            Tensor in = RandomGraphs.input(m, seed);
            JavaExecutor java = new JavaExecutor();
            assertArrayEquals(java.runWhole(m, in).data(), java.runWhole(back, in).data());
        }
    }

    @Test
    void versionChangesWithAnyWeight() {
        Model m = RandomGraphs.generate(3);
        Map<String, Tensor> w = new LinkedHashMap<>(m.weights());
        String k = w.keySet().iterator().next();
        Tensor t = w.get(k).copy();
        t.data()[0] += 1e-3f;
        w.put(k, t);
        assertNotEquals(m.version(), m.withWeights(w).version());
    }

    @Test
    void safetensorsRoundTripAndHalfFloats() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", Tensor.random(1, -1, 1, 2, 3));
        t.put("b", Tensor.random(2, -1, 1, 5));
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        Safetensors.write(t, bos);
        byte[] bytes = bos.toByteArray();
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLen) % 8, "data starts 8-byte aligned");
        Map<String, Tensor> back = Safetensors.read(ByteBuffer.wrap(bytes));
        assertArrayEquals(t.get("a").data(), back.get("a").data());
        assertArrayEquals(new int[] {2, 3}, back.get("a").shape());

        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]}}";
        ByteBuffer f16 = ByteBuffer.allocate(8 + header.length() + 6).order(ByteOrder.LITTLE_ENDIAN);
        f16.putLong(header.length()).put(header.getBytes(StandardCharsets.UTF_8));
        f16.putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x3555).flip();
        assertArrayEquals(new float[] {1f, -2f, 0.33325195f}, Safetensors.read(f16).get("h").data(), 1e-7f);
    }

    @Test
    void corruptSafetensorsGiveClearErrors() throws Exception {
        Map<String, Tensor> t = Map.of("a", Tensor.random(1, -1, 1, 4, 4));
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        Safetensors.write(t, bos);
        byte[] ok = bos.toByteArray();
        byte[] truncated = java.util.Arrays.copyOf(ok, ok.length - 10);
        modelError("truncated", () -> Safetensors.read(ByteBuffer.wrap(truncated)));
        modelError("shorter than its 8-byte header", () -> Safetensors.read(ByteBuffer.wrap(new byte[3])));
        byte[] hugeHeader = ok.clone();
        ByteBuffer.wrap(hugeHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        modelError("header size", () -> Safetensors.read(ByteBuffer.wrap(hugeHeader)));
        byte[] badJson = ok.clone();
        badJson[8] = 'x';
        modelError("not valid JSON", () -> Safetensors.read(ByteBuffer.wrap(badJson)));
    }

    @Test
    void missingFileNamesIt() {
        modelError("lacks model.json", () -> ModelFormat.read(dir.resolve("nothing")));
    }

}
