package io.edgefuse.model.zoo;

import io.edgefuse.model.Padding;

/** MobileNetV2, width 1.0, 224x224x3 (Sandler et al., 2018), in torchvision's layout and node numbering. */
final class MobileNetV2 {
    /** Inverted residual settings: expansion t, output channels c, repeats n, first stride s. */
    private static final int[][] SETTINGS = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
    };
    private static final int LAST_CHANNELS = 1280;

    private MobileNetV2() {}

    static Blueprint build() {
        var input = ImageNet.input(224);
        GraphBuilder b = new GraphBuilder(input);
        String x = convBnRelu6(b, "features.0.", input.name(), 3, 2, 32);
        int f = 1;
        for (int[] s : SETTINGS) {
            for (int i = 0; i < s[2]; i++) {
                x = invertedResidual(b, "features." + f++ + ".", x, s[0], s[1], i == 0 ? s[3] : 1);
            }
        }
        x = convBnRelu6(b, "features." + f + ".", x, 1, 1, LAST_CHANNELS);
        x = b.globalAvgPool("avgpool", x);
        // torchvision's Dropout(0.2) before the classifier is the identity at inference.
        x = b.dense("classifier", x, ImageNet.CLASSES);
        x = b.softmax("softmax", x);
        return Blueprint.of("mobilenetv2", input, ImageNet.labels(), b, x);
    }

    private static String invertedResidual(GraphBuilder b, String p, String in, int expansion, int out, int stride) {
        int cin = b.channels(in);
        String y = in;
        if (expansion != 1) {
            y = b.conv(p + "expand", y, 1, 1, Padding.VALID, cin * expansion, false);
            y = b.batchNorm(p + "expand_bn", y, ImageNet.BN_EPSILON);
            y = b.relu6(p + "expand_relu6", y);
        }
        y = b.depthwise(p + "dw", y, 3, stride, Padding.symmetric(1));
        y = b.batchNorm(p + "dw_bn", y, ImageNet.BN_EPSILON);
        y = b.relu6(p + "dw_relu6", y);
        y = b.conv(p + "project", y, 1, 1, Padding.VALID, out, false);
        y = b.batchNorm(p + "project_bn", y, ImageNet.BN_EPSILON);
        if (stride != 1 || cin != out) return y; // linear bottleneck, no shortcut
        b.markResidualBranchEnd(y);
        return b.residualAdd(p + "add", in, y);
    }

    private static String convBnRelu6(GraphBuilder b, String p, String in, int k, int stride, int filters) {
        String y = b.conv(p + "conv", in, k, stride, Padding.symmetric(k / 2), filters, false);
        y = b.batchNorm(p + "bn", y, ImageNet.BN_EPSILON);
        return b.relu6(p + "relu6", y);
    }
}
