package io.edgefuse.model;

/**
 * How one output pixel of a spatial op maps to its input: kernel, stride and the resolved explicit
 * padding. Point-wise ops have the identity window (1x1, stride 1, no padding).
 */
public record Window(int kh, int kw, int sh, int sw, int pt, int pb, int pl, int pr) {

    public static final Window IDENTITY = new Window(1, 1, 1, 1, 0, 0, 0, 0);

    public static Window of(int kh, int kw, int sh, int sw, Padding resolved) {
        return new Window(kh, kw, sh, sw, resolved.top(), resolved.bottom(), resolved.left(), resolved.right());
    }

    public int outH(int inH) {
        return (inH + pt + pb - kh) / sh + 1;
    }

    public int outW(int inW) {
        return (inW + pl + pr - kw) / sw + 1;
    }

    public boolean isIdentity() {
        return equals(IDENTITY);
    }
}
