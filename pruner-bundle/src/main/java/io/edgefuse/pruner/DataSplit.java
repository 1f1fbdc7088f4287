package io.edgefuse.pruner;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Preprocessing;
import io.edgefuse.model.data.ImageSet;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which training images the pruner uses. The last {@code validation} images of the training set are the
 * validation set the loop decides by (never the test set); the reference samples - K per class - are
 * drawn from the rest by a seeded shuffle, so the same seed always gives the same samples.
 */
public final class DataSplit {
    private final ImageSet train;
    private final int validationStart;

    /** @param validation how many images at the end of the training set are held out for validation */
    public DataSplit(ImageSet train, int validation) {
        if (validation < 1 || validation >= train.size()) {
            throw new IllegalArgumentException("validation size must be in 1.." + (train.size() - 1) + ", got " + validation);
        }
        this.train = train;
        this.validationStart = train.size() - validation;
    }

    /** K images of every class from the non-validation part, chosen by a shuffle seeded with {@code seed}; grouped by class. */
    public List<Sample> referenceSamples(int k, long seed, InputSpec spec) {
        if (k < 1) throw new IllegalArgumentException("samples per class must be >= 1, got " + k);
        int classes = train.classes().size();
        int[] order = new int[validationStart];
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<List<Sample>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) byClass.add(new ArrayList<>());
        for (int i : order) {
            List<Sample> l = byClass.get(train.label(i));
            if (l.size() < k) l.add(sample(train, i, spec));
        }
        List<Sample> all = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            if (byClass.get(c).size() < k) throw new IllegalArgumentException("only " + byClass.get(c).size() + " training images of class " + c + ", " + k + " wanted");
            all.addAll(byClass.get(c));
        }
        return all;
    }

    /** Index of the first validation image in the training set. */
    public int validationStart() {
        return validationStart;
    }

    public int validationSize() {
        return train.size() - validationStart;
    }

    /** The validation images. */
    public ImageSet validationSet() {
        return train.slice(validationStart, train.size());
    }

    /** The training images outside the validation part (for fine-tuning). */
    public ImageSet trainingSet() {
        return train.slice(0, validationStart);
    }

    /** The validation images as samples (preprocessed for {@code spec}). */
    public List<Sample> validation(InputSpec spec) {
        List<Sample> v = new ArrayList<>();
        for (int i = validationStart; i < train.size(); i++) v.add(sample(train, i, spec));
        return v;
    }

    /** Image i of a set as the model's input: x = (pixel * scale - mean) / std. */
    public static Sample sample(ImageSet set, int i, InputSpec spec) {
        return new Sample(input(set, i, spec), set.label(i));
    }

    public static Tensor input(ImageSet set, int i, InputSpec spec) {
        int[] dims = spec.shape().dims();
        if (dims[0] != io.edgefuse.model.data.FashionMnist.ROWS || dims[1] != io.edgefuse.model.data.FashionMnist.COLS || dims[2] != 1) {
            throw new IllegalArgumentException("the model's input is " + spec.shape() + ", Fashion-MNIST images are [28, 28, 1]");
        }
        Preprocessing p = spec.preprocessing();
        float[] px = set.pixels(i);
        // pixels() is raw / 255; the preprocessing is defined on raw 0..255 values.
        for (int k = 0; k < px.length; k++) px[k] = p.apply(0, Math.round(px[k] * 255f));
        return new Tensor(dims, px);
    }
}
