package io.edgefuse.model;

/**
 * Spatial padding of a windowed op: explicit (top, bottom, left, right) or TensorFlow's "same"
 * (out = ceil(in / stride), the odd pixel going to the bottom/right). "valid" is explicit zeros.
 */
public record Padding(boolean same, int top, int bottom, int left, int right) {

    public static final Padding VALID = new Padding(false, 0, 0, 0, 0);
    public static final Padding SAME = new Padding(true, 0, 0, 0, 0);

    public Padding {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new ModelException("padding must not be negative: " + top + "," + bottom + "," + left + "," + right);
        }
    }

    public static Padding explicit(int top, int bottom, int left, int right) {
        return new Padding(false, top, bottom, left, right);
    }

    public static Padding symmetric(int p) {
        return explicit(p, p, p, p);
    }

    /** Resolves "same" for an input of h x w; explicit padding is returned as it is. */
    public Padding resolve(int h, int w, int kh, int kw, int sh, int sw) {
        if (!same) return this;
        int ph = Math.max((ceilDiv(h, sh) - 1) * sh + kh - h, 0);
        int pw = Math.max((ceilDiv(w, sw) - 1) * sw + kw - w, 0);
        return explicit(ph / 2, ph - ph / 2, pw / 2, pw - pw / 2);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return same ? "same" : "[" + top + "," + bottom + "," + left + "," + right + "]";
    }
}
