package io.edgefuse.protocol;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Preprocessing;
import io.edgefuse.model.Shape;
import io.edgefuse.model.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns a request payload into the model's input tensor: a JPEG or PNG image (resized to the model's
 * input with bilinear filtering, channels RGB or luminance, then the model's preprocessing) or a binary
 * frame carrying a tensor of exactly the input's shape. Every failure is a {@link ProtocolException}
 * with the code the answer should carry.
 */
public final class RequestDecoder {
    /** Images larger than this are refused before their pixels are decoded (decompression bombs). */
    public static final int MAX_IMAGE_SIDE = 8192;

    private final long maxPayloadBytes;

    public RequestDecoder(long maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public Tensor decode(byte[] payload, InputSpec input) {
        if (payload == null || payload.length == 0) throw new ProtocolException(ErrorCode.BAD_REQUEST, "empty payload: send a JPEG or PNG image, or a tensor frame");
        if (payload.length > maxPayloadBytes) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "payload of " + payload.length + " bytes exceeds the limit of " + maxPayloadBytes + " bytes");
        }
        if (isJpeg(payload) || isPng(payload)) return fromImage(payload, input);
        if (payload.length >= 4 && payload[0] == 0 && (payload[1] & 0xff) < 2) {
            Frame f = Frames.decode(payload);
            if (f.tensor() == null) throw new ProtocolException(ErrorCode.BAD_REQUEST, "tensor frame carries no tensor");
            int[] s = f.tensor().shape();
            int[] want = input.shape().dims();
            int[] batched = new int[] {1, want[0], want[1], want[2]};
            if (Arrays.equals(s, want)) return f.tensor();
            if (Arrays.equals(s, batched)) return f.tensor().reshape(want);
            throw new ProtocolException(ErrorCode.WRONG_SHAPE, "tensor of shape " + Arrays.toString(s) + " does not match the model input " + input.shape() + " (NHWC, batch 1)");
        }
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "payload is neither a JPEG/PNG image nor a tensor frame (first bytes " + hex(payload) + ")");
    }

    static boolean isJpeg(byte[] p) {
        return p.length >= 3 && (p[0] & 0xff) == 0xFF && (p[1] & 0xff) == 0xD8 && (p[2] & 0xff) == 0xFF;
    }

    static boolean isPng(byte[] p) {
        return p.length >= 8 && (p[0] & 0xff) == 0x89 && p[1] == 'P' && p[2] == 'N' && p[3] == 'G';
    }

    private static Tensor fromImage(byte[] payload, InputSpec input) {
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(payload))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new ProtocolException(ErrorCode.BAD_IMAGE, "no decoder for this image");
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                int w = r.getWidth(0), h = r.getHeight(0);
                if (w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE) {
                    throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "image of " + w + "x" + h + " exceeds " + MAX_IMAGE_SIDE + " pixels per side");
                }
                img = r.read(0);
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProtocolException pe) throw pe;
            throw new ProtocolException(ErrorCode.BAD_IMAGE, "cannot decode image: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        if (img == null) throw new ProtocolException(ErrorCode.BAD_IMAGE, "cannot decode image");
        return toTensor(img, input);
    }

    /** Bilinear resize to the input's H x W, then (pixel * scale - mean) / std per channel. */
    public static Tensor toTensor(BufferedImage img, InputSpec input) {
        Shape s = input.shape();
        int oh = s.h(), ow = s.w(), c = s.c();
        if (c != 1 && c != 3) throw new ProtocolException(ErrorCode.WRONG_SHAPE, "images can feed models with 1 or 3 input channels, this one has " + c);
        int iw = img.getWidth(), ih = img.getHeight();
        int[] rgb = img.getRGB(0, 0, iw, ih, null, 0, iw);
        Preprocessing pre = input.preprocessing();
        Tensor t = Tensor.zeros(oh, ow, c);
        float[] d = t.data();
        double sy = (double) ih / oh, sx = (double) iw / ow;
        for (int y = 0; y < oh; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, ih - 1), y1 = Math.min(y0 + 1, ih - 1);
            double wy = fy - y0;
            for (int x = 0; x < ow; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, iw - 1), x1 = Math.min(x0 + 1, iw - 1);
                double wx = fx - x0;
                double[] px = new double[3];
                for (int ch = 0; ch < 3; ch++) {
                    int shift = 16 - 8 * ch;
                    double a = (rgb[y0 * iw + x0] >> shift & 0xff) * (1 - wx) + (rgb[y0 * iw + x1] >> shift & 0xff) * wx;
                    double b = (rgb[y1 * iw + x0] >> shift & 0xff) * (1 - wx) + (rgb[y1 * iw + x1] >> shift & 0xff) * wx;
                    px[ch] = a * (1 - wy) + b * wy;
                }
                int o = (y * ow + x) * c;
                if (c == 1) {
                    d[o] = pre.apply(0, 0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2]);
                } else {
                    for (int ch = 0; ch < 3; ch++) d[o + ch] = pre.apply(ch, px[ch]);
                }
            }
        }
        return t;
    }

    private static String hex(byte[] p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(4, p.length); i++) sb.append(String.format("%02x", p[i] & 0xff));
        return sb.toString();
    }
}
