package io.edgefuse.model.tensor;

import io.edgefuse.model.ModelException;
import io.edgefuse.model.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;

/** A dense float32 tensor in row-major order (NHWC with N = 1 for feature maps; HWIO for conv weights). */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    public Tensor(int[] shape, float[] data) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new ModelException("negative dimension in " + Arrays.toString(shape));
            n *= d;
        }
        if (n != data.length) {
            throw new ModelException("tensor of shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    public static Tensor zeros(int... shape) {
        long n = 1;
        for (int d : shape) n *= d;
        if (n > Integer.MAX_VALUE) throw new ModelException("tensor " + Arrays.toString(shape) + " is too large");
        return new Tensor(shape, new float[(int) n]);
    }

    public static Tensor zeros(Shape shape) {
        return zeros(shape.dims());
    }

    /** Uniform values in [lo, hi), reproducible from the seed. */
    public static Tensor random(long seed, float lo, float hi, int... shape) {
        Tensor t = zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.data.length; i++) t.data[i] = lo + (hi - lo) * (float) r.nextDouble();
        return t;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i];
    }

    public int rank() {
        return shape.length;
    }

    public Shape asShape() {
        return new Shape(shape);
    }

    /** The backing array, shared, not copied: executors read and write it directly. */
    public float[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    public Tensor copy() {
        return new Tensor(shape, data.clone());
    }

    public Tensor reshape(int... newShape) {
        return new Tensor(newShape, data);
    }

    public float maxAbs() {
        float m = 0;
        for (float v : data) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** Largest absolute element-wise difference; shapes must match. */
    public float maxAbsDiff(Tensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new ModelException("shape mismatch: " + Arrays.toString(shape) + " vs " + Arrays.toString(other.shape));
        }
        float m = 0;
        for (int i = 0; i < data.length; i++) {
            float d = Math.abs(data[i] - other.data[i]);
            if (Float.isNaN(d)) return Float.NaN;
            m = Math.max(m, d);
        }
        return m;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
