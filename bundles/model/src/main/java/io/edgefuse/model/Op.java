package io.edgefuse.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operation of a graph node with its typed attributes. The JSON name of each op is {@link #name()};
 * {@link #attrs()} is what model.json stores for it.
 */
public sealed interface Op {

    String name();

    Map<String, Object> attrs();

    /** Whether the op works per spatial position of an [H, W, C] map, so that its output can be tiled. */
    default boolean spatial() {
        return true;
    }

    /** Convolution; groups == input channels makes it depthwise. Weights HWIO [kh, kw, cin/groups, filters]. */
    record Conv2D(int kh, int kw, int sh, int sw, Padding padding, int filters, int groups, boolean bias) implements Op {
        public Conv2D {
            positive("conv2d kernel", kh, kw);
            positive("conv2d stride", sh, sw);
            positive("conv2d filters", filters);
            positive("conv2d groups", groups);
            if (filters % groups != 0) throw new ModelException("conv2d filters " + filters + " not divisible by groups " + groups);
        }

        public static Conv2D of(int k, int s, Padding p, int filters) {
            return new Conv2D(k, k, s, s, p, filters, 1, true);
        }

        public String name() {
            return "conv2d";
        }

        public Map<String, Object> attrs() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kernel", new int[] {kh, kw});
            m.put("stride", new int[] {sh, sw});
            m.put("padding", paddingJson(padding));
            m.put("filters", filters);
            m.put("groups", groups);
            m.put("bias", bias);
            return m;
        }
    }

    /** Inference batch norm: y = (x - mean) / sqrt(variance + epsilon) * gamma + beta. */
    record BatchNorm(double epsilon) implements Op {
        public BatchNorm {
            if (!(epsilon > 0)) throw new ModelException("batchnorm epsilon must be > 0, got " + epsilon);
        }

        public String name() {
            return "batchnorm";
        }

        public Map<String, Object> attrs() {
            return Map.of("epsilon", epsilon);
        }
    }

    record Relu() implements Op {
        public String name() {
            return "relu";
        }

        public Map<String, Object> attrs() {
            return Map.of();
        }
    }

    record Relu6() implements Op {
        public String name() {
            return "relu6";
        }

        public Map<String, Object> attrs() {
            return Map.of();
        }
    }

    record LeakyRelu(double alpha) implements Op {
        public String name() {
            return "leaky_relu";
        }

        public Map<String, Object> attrs() {
            return Map.of("alpha", alpha);
        }
    }

    /** Max pooling; padded positions never win. */
    record MaxPool(int kh, int kw, int sh, int sw, Padding padding) implements Op {
        public MaxPool {
            positive("maxpool kernel", kh, kw);
            positive("maxpool stride", sh, sw);
        }

        public String name() {
            return "maxpool";
        }

        public Map<String, Object> attrs() {
            return poolAttrs(kh, kw, sh, sw, padding);
        }
    }

    /** Average pooling; padded positions are not counted (TensorFlow's convention). */
    record AvgPool(int kh, int kw, int sh, int sw, Padding padding) implements Op {
        public AvgPool {
            positive("avgpool kernel", kh, kw);
            positive("avgpool stride", sh, sw);
        }

        public String name() {
            return "avgpool";
        }

        public Map<String, Object> attrs() {
            return poolAttrs(kh, kw, sh, sw, padding);
        }
    }

    /** Mean over H and W: [H, W, C] to [C]. */
    record GlobalAvgPool() implements Op {
        public String name() {
            return "global_avgpool";
        }

        public Map<String, Object> attrs() {
            return Map.of();
        }

        public boolean spatial() {
            return false;
        }
    }

    /** Element-wise sum of two or more inputs of one shape. */
    record Add() implements Op {
        public String name() {
            return "add";
        }

        public Map<String, Object> attrs() {
            return Map.of();
        }
    }

    /** Concatenation along channels. */
    record Concat() implements Op {
        public String name() {
            return "concat";
        }

        public Map<String, Object> attrs() {
            return Map.of();
        }
    }

    /** [H, W, C] to [H*W*C] in row-major order. */
    record Flatten() implements Op {
        public String name() {
            return "flatten";
        }

        public Map<String, Object> attrs() {
            return Map.of();
        }

        public boolean spatial() {
            return false;
        }
    }

    /** Fully connected layer; weight [in, units], bias [units]. */
    record Dense(int units, boolean bias) implements Op {
        public Dense {
            positive("dense units", units);
        }

        public String name() {
            return "dense";
        }

        public Map<String, Object> attrs() {
            return Map.of("units", units, "bias", bias);
        }

        public boolean spatial() {
            return false;
        }
    }

    record Softmax() implements Op {
        public String name() {
            return "softmax";
        }

        public Map<String, Object> attrs() {
            return Map.of();
        }

        public boolean spatial() {
            return false;
        }
    }

    /**
     * YOLOv2's reorg (TensorFlow's space_to_depth): each stride x stride block becomes channels, output
     * channel (dy * stride + dx) * C + c.
     */
    record Reorg(int stride) implements Op {
        public Reorg {
            positive("reorg stride", stride);
        }

        public String name() {
            return "reorg";
        }

        public Map<String, Object> attrs() {
            return Map.of("stride", stride);
        }
    }

    private static Object paddingJson(Padding p) {
        if (p.same()) return "same";
        if (p.equals(Padding.VALID)) return "valid";
        return new int[] {p.top(), p.bottom(), p.left(), p.right()};
    }

    private static Map<String, Object> poolAttrs(int kh, int kw, int sh, int sw, Padding p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", new int[] {kh, kw});
        m.put("stride", new int[] {sh, sw});
        m.put("padding", paddingJson(p));
        return m;
    }

    private static void positive(String what, int... values) {
        for (int v : values) {
            if (v <= 0) throw new ModelException(what + " must be positive, got " + v);
        }
    }
}
