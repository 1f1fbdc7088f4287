package io.edgefuse.model;

import java.util.Arrays;

/**
 * Shape of one activation (batch of one, so no N): [H, W, C] for feature maps, [N] for vectors.
 */
public record Shape(int[] dims) {

    public Shape {
        dims = dims.clone();
        for (int d : dims) {
            if (d <= 0) throw new ModelException("shape " + Arrays.toString(dims) + " has a non-positive dimension");
        }
    }

    public static Shape of(int... dims) {
        return new Shape(dims);
    }

    public static Shape map(int h, int w, int c) {
        return new Shape(new int[] {h, w, c});
    }

    public static Shape vector(int n) {
        return new Shape(new int[] {n});
    }

    public boolean isMap() {
        return dims.length == 3;
    }

    public int rank() {
        return dims.length;
    }

    public int h() {
        requireMap();
        return dims[0];
    }

    public int w() {
        requireMap();
        return dims[1];
    }

    public int c() {
        return dims[dims.length - 1];
    }

    public long size() {
        long n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    public int[] dims() {
        return dims.clone();
    }

    private void requireMap() {
        if (!isMap()) throw new ModelException("expected a [H, W, C] feature map, got " + this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
