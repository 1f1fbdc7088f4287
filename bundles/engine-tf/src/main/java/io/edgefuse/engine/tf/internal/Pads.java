package io.edgefuse.engine.tf.internal;

/** Explicit spatial padding of a 4-D NHWC operand. */
public record Pads(int top, int bottom, int left, int right) {

    public static final Pads NONE = new Pads(0, 0, 0, 0);

    public boolean isNone() {
        return top == 0 && bottom == 0 && left == 0 && right == 0;
    }

    /** What TensorFlow's SAME pads on an h x w input (the odd pixel at the bottom and right). */
    public static Pads same(int h, int w, int kh, int kw, int sh, int sw) {
        int ph = Math.max(((h + sh - 1) / sh - 1) * sh + kh - h, 0);
        int pw = Math.max(((w + sw - 1) / sw - 1) * sw + kw - w, 0);
        return new Pads(ph / 2, ph - ph / 2, pw / 2, pw - pw / 2);
    }

    public int[][] paddingMatrix() {
        return new int[][] {{0, 0}, {top, bottom}, {left, right}, {0, 0}};
    }
}
