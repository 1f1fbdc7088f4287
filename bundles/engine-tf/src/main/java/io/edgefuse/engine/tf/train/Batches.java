package io.edgefuse.engine.tf.train;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Preprocessing;
import io.edgefuse.model.Shape;
import io.edgefuse.model.data.FashionMnist;
import io.edgefuse.model.data.ImageSet;
import java.util.Random;

/**
 * Turns images of an {@link ImageSet} into NHWC float batches the way the model's preprocessing says
 * (the same numbers a node computes from a decoded image), with one-hot labels and optional
 * augmentation. Shuffling and augmentation draw from one seeded {@link Random}, so a seed fixes them.
 */
final class Batches {
    static final int H = FashionMnist.ROWS, W = FashionMnist.COLS, PIXELS = H * W;

    private final ImageSet set;
    private final float[] lookup = new float[256];
    private final int classes;

    Batches(Model m, ImageSet set) {
        Shape in = m.input().shape();
        if (in.h() != H || in.w() != W || in.c() != 1) {
            throw new ModelException("model '" + m.name() + "' takes " + in + " inputs; Fashion-MNIST images are [28, 28, 1]");
        }
        this.classes = (int) m.outputShape().size();
        if (m.outputShape().isMap() || classes < set.classes().size()) {
            throw new ModelException("model '" + m.name() + "' outputs " + m.outputShape() + "; training needs a vector of at least " + set.classes().size() + " class scores");
        }
        Preprocessing p = m.input().preprocessing();
        for (int v = 0; v < 256; v++) lookup[v] = p.apply(0, v);
        this.set = set;
    }

    int size() {
        return set.size();
    }

    int classes() {
        return classes;
    }

    /** A permutation of 0..n-1 (Fisher-Yates). */
    static int[] shuffled(int n, Random r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * Writes images order[from .. from+count) into x (count x 28 x 28 x 1) and their one-hot labels into y
     * (count x classes). With a non-null {@code augment}, each image is flipped left-right with
     * probability 1/2 and shifted by dy, dx in [-MAX_SHIFT, MAX_SHIFT], uncovered pixels being background.
     */
    void fill(int[] order, int from, int count, float[] x, float[] y, Random augment) {
        java.util.Arrays.fill(y, 0, count * classes, 0f);
        float background = lookup[0];
        for (int b = 0; b < count; b++) {
            int i = order[from + b];
            int base = b * PIXELS;
            if (augment == null) {
                for (int r = 0; r < H; r++) for (int c = 0; c < W; c++) x[base + r * W + c] = lookup[set.rawPixel(i, r, c)];
            } else {
                boolean flip = augment.nextBoolean();
                int span = 2 * TrainConfig.MAX_SHIFT + 1;
                int dy = augment.nextInt(span) - TrainConfig.MAX_SHIFT, dx = augment.nextInt(span) - TrainConfig.MAX_SHIFT;
                for (int r = 0; r < H; r++) {
                    int sr = r - dy;
                    for (int c = 0; c < W; c++) {
                        int sc = (flip ? W - 1 - c : c) - dx;
                        x[base + r * W + c] = sr < 0 || sr >= H || sc < 0 || sc >= W ? background : lookup[set.rawPixel(i, sr, sc)];
                    }
                }
            }
            y[b * classes + set.label(i)] = 1f;
        }
    }
}
