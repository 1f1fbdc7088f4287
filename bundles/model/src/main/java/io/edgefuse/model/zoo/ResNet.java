package io.edgefuse.model.zoo;

import io.edgefuse.model.Padding;

/**
 * ResNet-18 and ResNet-50 at 224x224x3 in torchvision's layout (He et al., 2015; v1.5: a bottleneck
 * strides in its 3x3 conv). Torchvision's explicit symmetric paddings are kept rather than TensorFlow's
 * "same", so that weights ported from torchvision would line up pixel for pixel.
 */
final class ResNet {
    private static final int[] WIDTHS = {64, 128, 256, 512};

    private ResNet() {}

    static Blueprint resnet18() {
        return build("resnet18", new int[] {2, 2, 2, 2}, false);
    }

    static Blueprint resnet50() {
        return build("resnet50", new int[] {3, 4, 6, 3}, true);
    }

    private static Blueprint build(String name, int[] blocks, boolean bottleneck) {
        var input = ImageNet.input(224);
        GraphBuilder b = new GraphBuilder(input);
        String x = b.conv("conv1", input.name(), 7, 2, Padding.symmetric(3), 64, false);
        x = b.batchNorm("bn1", x, ImageNet.BN_EPSILON);
        x = b.relu("relu", x);
        x = b.maxPool("maxpool", x, 3, 2, Padding.symmetric(1));
        for (int layer = 0; layer < blocks.length; layer++) {
            for (int i = 0; i < blocks[layer]; i++) {
                int stride = layer > 0 && i == 0 ? 2 : 1;
                String p = "layer" + (layer + 1) + "." + i + ".";
                x = bottleneck ? bottleneck(b, p, x, WIDTHS[layer], stride) : basic(b, p, x, WIDTHS[layer], stride);
            }
        }
        x = b.globalAvgPool("avgpool", x);
        x = b.dense("fc", x, ImageNet.CLASSES);
        x = b.softmax("softmax", x);
        return Blueprint.of(name, input, ImageNet.labels(), b, x);
    }

    private static String basic(GraphBuilder b, String p, String in, int width, int stride) {
        String y = convBn(b, p, "1", in, 3, stride, width);
        y = b.relu(p + "relu1", y);
        y = convBn(b, p, "2", y, 3, 1, width);
        b.markResidualBranchEnd(y);
        return join(b, p, in, y, width, stride);
    }

    private static String bottleneck(GraphBuilder b, String p, String in, int width, int stride) {
        String y = convBn(b, p, "1", in, 1, 1, width);
        y = b.relu(p + "relu1", y);
        y = convBn(b, p, "2", y, 3, stride, width);
        y = b.relu(p + "relu2", y);
        y = convBn(b, p, "3", y, 1, 1, width * 4);
        b.markResidualBranchEnd(y);
        return join(b, p, in, y, width * 4, stride);
    }

    /** Shortcut (a projection when the shape changes), the residual add, then ReLU. */
    private static String join(GraphBuilder b, String p, String in, String branch, int outChannels, int stride) {
        String shortcut = in;
        if (stride != 1 || b.channels(in) != outChannels) {
            shortcut = b.conv(p + "downsample.0", in, 1, stride, Padding.VALID, outChannels, false);
            shortcut = b.batchNorm(p + "downsample.1", shortcut, ImageNet.BN_EPSILON);
        }
        String sum = b.residualAdd(p + "add", shortcut, branch);
        return b.relu(p + "relu", sum);
    }

    private static String convBn(GraphBuilder b, String p, String id, String in, int k, int stride, int filters) {
        String c = b.conv(p + "conv" + id, in, k, stride, Padding.symmetric(k / 2), filters, false);
        return b.batchNorm(p + "bn" + id, c, ImageNet.BN_EPSILON);
    }
}
