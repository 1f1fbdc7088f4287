package io.edgefuse.protocol;

import io.edgefuse.model.tensor.Half;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgefuse.model.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FramesTest {
    @Test
    void roundTripsEveryDtype() {
        Tensor t = Tensor.random(1, -3, 3, 4, 5, 6);
        ObjectNode h = Frames.header().put("request", "r1");
        Frame f = Frames.decode(Frames.encode(h, t, DType.FLOAT32));
        assertEquals("r1", f.header().get("request").asText());
        assertArrayEquals(t.data(), f.tensor().data());
        assertArrayEquals(t.shape(), f.tensor().shape());
        assertTrue(Frames.decode(Frames.encode(h, t, DType.FLOAT16)).tensor().maxAbsDiff(t) <= 3 * 0x1p-11f);
        assertTrue(Frames.decode(Frames.encode(h, t, DType.INT8)).tensor().maxAbsDiff(t) <= t.maxAbs() / 127 / 2 + 1e-6f);
        Frame none = Frames.decode(Frames.encode(Frames.header().put("error", "x"), null, DType.FLOAT32));
        assertNull(none.tensor());
    }

    @Test
    void halfFloatConversionIsExactForRepresentableValues() {
        for (float v : new float[] {0f, -0f, 1f, -2f, 0.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f}) {
            assertEquals(v, Half.toFloat(Half.fromFloat(v)), 0f, "value " + v);
        }
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat(Half.fromFloat(1e6f)));
    }

    @Test
    void malformedFramesAreRefusedWithReasons() {
        byte[] ok = Frames.encode(Frames.header().put("request", "r"), Tensor.random(2, -1, 1, 3, 3), DType.FLOAT32);
        expect("truncated", Arrays.copyOf(ok, ok.length - 5));
        expect("shorter than its 4-byte header", new byte[] {1, 2});
        byte[] hugeLen = ok.clone();
        ByteBuffer.wrap(hugeLen).putInt(0, Integer.MAX_VALUE);
        expect("header length", hugeLen);
        byte[] badJson = ok.clone();
        badJson[4] = 'x';
        expect("not valid JSON", badJson);
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(200)];
            for (int k = 0; k < junk.length; k++) junk[k] = (byte) r.nextInt(256);
            if (junk.length >= 4 && r.nextBoolean()) ByteBuffer.wrap(junk).putInt(0, r.nextInt(Math.max(1, junk.length)));
            assertThrows(ProtocolException.class, () -> Frames.decode(junk));
        }
    }

    private static void expect(String part, byte[] payload) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Frames.decode(payload));
        assertEquals(ErrorCode.BAD_FRAME, e.code());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
