package io.edgefuse.model.zoo;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Padding;
import io.edgefuse.model.Preprocessing;
import io.edgefuse.model.Shape;
import io.edgefuse.model.data.FashionMnist;

/**
 * Two small networks for Fashion-MNIST (28x28x1, 10 classes) that the project trains itself (the
 * trained ones ship in models/): a VGG-style chain of conv-bn-relu blocks and a ResNet-style net with
 * residual adds. Both have batch norm after every conv, so they exercise folding and the pruner's
 * channel groups. Sized to train to >= 93% / >= 92% test accuracy in well under an hour on 2 cores.
 * Changing a graph here invalidates the trained models in models/ (their model.json no longer matches).
 */
final class FashionMnistNets {
    /** Mean and standard deviation of the training set's pixels scaled to 0..1. */
    static final double PIXEL_MEAN = 0.2860, PIXEL_STD = 0.3530;
    /** Keras' BatchNormalization default; the trainer uses the same value. */
    static final double BN_EPSILON = 1e-3;

    private static final int[][] VGG_STAGES = {{32, 32}, {64, 64}, {128, 128}};
    private static final int[] RESNET_WIDTHS = {32, 64, 128};

    private FashionMnistNets() {}

    static InputSpec input() {
        return new InputSpec("input", Shape.map(FashionMnist.ROWS, FashionMnist.COLS, 1),
                new Preprocessing(1.0 / 255.0, new double[] {PIXEL_MEAN}, new double[] {PIXEL_STD}));
    }

    /** conv-bn-relu 32-32, pool, 64-64, pool, 128-128, pool (3x3x128), flatten, dense 10. */
    static Blueprint vgg() {
        InputSpec input = input();
        GraphBuilder b = new GraphBuilder(input);
        String x = input.name();
        for (int s = 0; s < VGG_STAGES.length; s++) {
            for (int i = 0; i < VGG_STAGES[s].length; i++) {
                String id = (s + 1) + "_" + (i + 1);
                x = b.conv("conv" + id, x, 3, 1, Padding.SAME, VGG_STAGES[s][i], false);
                x = b.batchNorm("bn" + id, x, BN_EPSILON);
                x = b.relu("relu" + id, x);
            }
            x = b.maxPool("pool" + (s + 1), x, 2, 2, Padding.VALID);
        }
        x = b.flatten("flatten", x);
        x = b.dense("fc", x, FashionMnist.CLASSES.size());
        x = b.softmax("softmax", x);
        return Blueprint.of("fmnist-vgg", input, FashionMnist.CLASSES, b, x);
    }

    /**
     * Stem conv-bn-relu (32) and 2x2 max pool, then one basic residual block per width: 32 (14x14), 64
     * (7x7), 128 (4x4); the first block's shortcut is the identity, the others a strided 1x1 conv + bn.
     * Global average pool, dense 10. The pool after the stem keeps it at about a third of the VGG's MACs.
     */
    static Blueprint resnet() {
        InputSpec input = input();
        GraphBuilder b = new GraphBuilder(input);
        String x = b.conv("stem.conv", input.name(), 3, 1, Padding.SAME, RESNET_WIDTHS[0], false);
        x = b.batchNorm("stem.bn", x, BN_EPSILON);
        x = b.relu("stem.relu", x);
        x = b.maxPool("stem.pool", x, 2, 2, Padding.VALID);
        for (int i = 0; i < RESNET_WIDTHS.length; i++) {
            x = basicBlock(b, "block" + (i + 1) + ".", x, RESNET_WIDTHS[i], i == 0 ? 1 : 2);
        }
        x = b.globalAvgPool("gap", x);
        x = b.dense("fc", x, FashionMnist.CLASSES.size());
        x = b.softmax("softmax", x);
        return Blueprint.of("fmnist-resnet", input, FashionMnist.CLASSES, b, x);
    }

    private static String basicBlock(GraphBuilder b, String p, String in, int width, int stride) {
        String y = b.conv(p + "conv1", in, 3, stride, Padding.SAME, width, false);
        y = b.batchNorm(p + "bn1", y, BN_EPSILON);
        y = b.relu(p + "relu1", y);
        y = b.conv(p + "conv2", y, 3, 1, Padding.SAME, width, false);
        y = b.batchNorm(p + "bn2", y, BN_EPSILON);
        b.markResidualBranchEnd(y);
        String shortcut = in;
        if (stride != 1 || b.channels(in) != width) {
            shortcut = b.conv(p + "shortcut.conv", in, 1, stride, Padding.VALID, width, false);
            shortcut = b.batchNorm(p + "shortcut.bn", shortcut, BN_EPSILON);
        }
        String sum = b.residualAdd(p + "add", shortcut, y);
        return b.relu(p + "relu", sum);
    }
}
