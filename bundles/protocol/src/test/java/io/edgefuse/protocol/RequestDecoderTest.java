package io.edgefuse.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class RequestDecoderTest {
    private final RequestDecoder decoder = new RequestDecoder(16 << 20);
    private final InputSpec rgb = InputSpec.of(8, 8, 3);

    private static byte[] image(String format, int w, int h, int argb) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, argb);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, format, bos);
        return bos.toByteArray();
    }

    @Test
    void pngIsResizedAndPreprocessed() throws Exception {
        Tensor t = decoder.decode(image("png", 20, 10, 0xFF3366), rgb);
        assertArrayEquals(new int[] {8, 8, 3}, t.shape());
        assertEquals(0xFF / 255f, t.data()[0], 1e-6f);
        assertEquals(0x33 / 255f, t.data()[1], 1e-6f);
        assertEquals(0x66 / 255f, t.data()[2], 1e-6f);
        Tensor gray = decoder.decode(image("png", 4, 4, 0x808080), InputSpec.of(28, 28, 1));
        assertEquals(128 / 255f, gray.data()[0], 1e-3f);
    }

    @Test
    void tensorFramesMustMatchTheInputShape() {
        Tensor ok = Tensor.random(1, -1, 1, 8, 8, 3);
        assertArrayEquals(ok.data(), decoder.decode(Frames.encode(Frames.header(), ok, DType.FLOAT32), rgb).data());
        ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.decode(Frames.encode(Frames.header(), Tensor.zeros(7, 8, 3), DType.FLOAT32), rgb));
        assertEquals(ErrorCode.WRONG_SHAPE, e.code());
    }

    @Test
    void badPayloadsGetTheirCodes() throws Exception {
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(ProtocolException.class, () -> decoder.decode(new byte[0], rgb)).code());
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(ProtocolException.class, () -> decoder.decode("hello world".getBytes(), rgb)).code());
        byte[] jpeg = image("jpg", 64, 64, 0x123456);
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 3);
        assertEquals(ErrorCode.BAD_IMAGE, assertThrows(ProtocolException.class, () -> decoder.decode(truncated, rgb)).code());
        byte[] big = new byte[(16 << 20) + 1];
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, assertThrows(ProtocolException.class, () -> decoder.decode(big, rgb)).code());
    }
}
