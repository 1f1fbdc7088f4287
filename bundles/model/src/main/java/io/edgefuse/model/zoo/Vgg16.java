package io.edgefuse.model.zoo;

import io.edgefuse.model.Padding;

/** VGG-16 (configuration D of Simonyan and Zisserman, 2014) at 224x224x3, as torchvision's vgg16. */
final class Vgg16 {
    private static final int[][] STAGES = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};

    private Vgg16() {}

    static Blueprint build() {
        var input = ImageNet.input(224);
        GraphBuilder b = new GraphBuilder(input);
        String x = input.name();
        for (int s = 0; s < STAGES.length; s++) {
            for (int i = 0; i < STAGES[s].length; i++) {
                String id = (s + 1) + "_" + (i + 1);
                x = b.conv("conv" + id, x, 3, 1, Padding.SAME, STAGES[s][i], true);
                x = b.relu("conv" + id + "_relu", x);
            }
            x = b.maxPool("pool" + (s + 1), x, 2, 2, Padding.VALID);
        }
        // torchvision's AdaptiveAvgPool2d(7) is the identity on the 7x7 map a 224 input gives, so it is left out.
        x = b.flatten("flatten", x);
        x = b.dense("fc6", x, 4096);
        x = b.relu("fc6_relu", x);
        x = b.dense("fc7", x, 4096);
        x = b.relu("fc7_relu", x);
        x = b.dense("fc8", x, ImageNet.CLASSES);
        x = b.softmax("softmax", x);
        return Blueprint.of("vgg16", input, ImageNet.labels(), b, x);
    }
}
