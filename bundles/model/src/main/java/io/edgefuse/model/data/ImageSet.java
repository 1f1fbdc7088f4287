package io.edgefuse.model.data;

import io.edgefuse.model.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST images kept as the file's bytes (47 MB for the training set rather than 188 MB of
 * floats) and converted on access to [28, 28, 1] float tensors scaled to 0..1.
 */
public final class ImageSet {
    private static final int PIXELS = FashionMnist.ROWS * FashionMnist.COLS;

    private final byte[] pixels;
    private final byte[] labels;
    private final int[] sourceIndex;

    private ImageSet(byte[] pixels, byte[] labels, int[] sourceIndex) {
        this.pixels = pixels;
        this.labels = labels;
        this.sourceIndex = sourceIndex;
    }

    static ImageSet of(byte[] pixels, byte[] labels, int[] sourceIndex, Path labelFile) {
        for (int i = 0; i < labels.length; i++) checkLabel(labels[i], sourceIndex[i], labelFile);
        return new ImageSet(pixels, labels, sourceIndex);
    }

    static int checkLabel(byte label, int index, Path labelFile) {
        int c = label & 0xff;
        if (c >= FashionMnist.CLASSES.size()) throw new DatasetException(labelFile + ": label " + c + " of item " + index + " is not a class (0..9)");
        return c;
    }

    /** Images [from, to) as a set of their own (sharing no arrays with this one); source indices are kept. */
    public ImageSet slice(int from, int to) {
        if (from < 0 || to > size() || from > to) throw new IndexOutOfBoundsException("images [" + from + ", " + to + ") of a set of " + size());
        return new ImageSet(java.util.Arrays.copyOfRange(pixels, from * PIXELS, to * PIXELS), java.util.Arrays.copyOfRange(labels, from, to),
                java.util.Arrays.copyOfRange(sourceIndex, from, to));
    }

    public int size() {
        return labels.length;
    }

    /** Class index 0..9 of image i. */
    public int label(int i) {
        return labels[i] & 0xff;
    }

    public String className(int i) {
        return FashionMnist.CLASSES.get(label(i));
    }

    public List<String> classes() {
        return FashionMnist.CLASSES;
    }

    /** Where image i sits in its IDX file (differs from i for per-class samples). */
    public int sourceIndex(int i) {
        return sourceIndex[i];
    }

    /** Image i as 784 floats in row-major order, 0 (background) to 1. */
    public float[] pixels(int i) {
        float[] f = new float[PIXELS];
        int base = i * PIXELS;
        for (int p = 0; p < PIXELS; p++) f[p] = (pixels[base + p] & 0xff) / 255f;
        return f;
    }

    /** Image i as an NHWC tensor [28, 28, 1]. */
    public Tensor image(int i) {
        return new Tensor(new int[] {FashionMnist.ROWS, FashionMnist.COLS, 1}, pixels(i));
    }

    /** Raw pixel value 0..255 of image i at (row, col). */
    public int rawPixel(int i, int row, int col) {
        return pixels[i * PIXELS + row * FashionMnist.COLS + col] & 0xff;
    }
}
