package io.edgefuse.model;

import java.util.Arrays;

/**
 * How decoded pixels (0..255 per channel, in the model's channel order) become the input tensor:
 * x = (pixel * scale - mean[c]) / std[c].
 */
public record Preprocessing(double scale, double[] mean, double[] std) {

    public static Preprocessing unit(int channels) {
        double[] zeros = new double[channels];
        double[] ones = new double[channels];
        Arrays.fill(ones, 1.0);
        return new Preprocessing(1.0 / 255.0, zeros, ones);
    }

    public Preprocessing {
        if (mean.length != std.length) throw new ModelException("preprocessing mean and std differ in length");
        for (double s : std) {
            if (!(s > 0)) throw new ModelException("preprocessing std must be > 0");
        }
        mean = mean.clone();
        std = std.clone();
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[] std() {
        return std.clone();
    }

    public float apply(int channel, double pixel) {
        return (float) ((pixel * scale - mean[channel]) / std[channel]);
    }
}
