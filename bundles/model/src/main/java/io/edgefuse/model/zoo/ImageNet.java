package io.edgefuse.model.zoo;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Preprocessing;
import io.edgefuse.model.Shape;
import java.util.ArrayList;
import java.util.List;

/** What the ImageNet classifiers of the zoo share: torchvision's input normalisation and 1000 labels. */
final class ImageNet {
    static final int CLASSES = 1000;
    /** torchvision's BatchNorm2d default. */
    static final double BN_EPSILON = 1e-5;

    private ImageNet() {}

    static InputSpec input(int size) {
        Preprocessing p = new Preprocessing(1.0 / 255.0, new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});
        return new InputSpec("input", Shape.map(size, size, 3), p);
    }

    /** Placeholder names: the weights are random, so real class names would promise what they cannot keep. */
    static List<String> labels() {
        List<String> l = new ArrayList<>(CLASSES);
        for (int i = 0; i < CLASSES; i++) l.add("class_" + i);
        return List.copyOf(l);
    }
}
