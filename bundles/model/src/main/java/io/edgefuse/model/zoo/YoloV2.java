package io.edgefuse.model.zoo;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Padding;
import io.edgefuse.model.Preprocessing;
import io.edgefuse.model.Shape;
import java.util.List;

/**
 * YOLOv2 at 416x416x3 as darknet's cfg/yolov2.cfg (COCO: 5 anchors x (5 + 80 classes) = 425 output
 * channels). Node names carry darknet's layer index, so "conv_29" is the layer darknet prints as 29.
 * The region layer (decoding boxes) is post-processing and not part of the graph: the output is the
 * raw 13x13x425 map of layer 30.
 */
final class YoloV2 {
    static final int SIZE = 416;
    static final int OUTPUT_CHANNELS = 425;
    /** darknet adds its epsilon to the standard deviation, not the variance; this is the closest fit. */
    private static final double BN_EPSILON = 1e-6;
    private static final double LEAKY = 0.1;

    /** Darknet-19 without its classifier: filters (0 = 2x2/2 max pool), kernel 3 or 1. Layers 0..22. */
    private static final int[][] BACKBONE = {
        {32, 3}, {0, 0}, {64, 3}, {0, 0}, {128, 3}, {64, 1}, {128, 3}, {0, 0}, {256, 3}, {128, 1}, {256, 3}, {0, 0},
        {512, 3}, {256, 1}, {512, 3}, {256, 1}, {512, 3}, {0, 0}, {1024, 3}, {512, 1}, {1024, 3}, {512, 1}, {1024, 3},
    };
    /** The 26x26x512 layer the passthrough (route 25) reads. */
    private static final int PASSTHROUGH_LAYER = 16;

    private YoloV2() {}

    static Blueprint build() {
        return build(SIZE);
    }

    /** Other multiples of 32 give darknet's other input sizes (its published figures are for 416 and 608). */
    static Blueprint build(int size) {
        var input = new InputSpec("input", Shape.map(size, size, 3), new Preprocessing(1.0 / 255.0, new double[3], new double[] {1, 1, 1}));
        GraphBuilder b = new GraphBuilder(input);
        String x = input.name();
        String passthrough = null;
        for (int layer = 0; layer < BACKBONE.length; layer++) {
            int[] l = BACKBONE[layer];
            x = l[0] == 0 ? b.maxPool("maxpool_" + layer, x, 2, 2, Padding.VALID) : convBnLeaky(b, layer, x, l[1], l[0]);
            if (layer == PASSTHROUGH_LAYER) passthrough = x;
        }
        x = convBnLeaky(b, 23, x, 3, 1024);
        String deep = convBnLeaky(b, 24, x, 3, 1024);
        // 25: route 16; 26: conv 1x1x64; 27: reorg /2 -> 13x13x256; 28: route 27 24 (reorg first).
        String fine = convBnLeaky(b, 26, passthrough, 1, 64);
        fine = b.reorg("reorg_27", fine, 2);
        x = b.concat("route_28", fine, deep);
        x = convBnLeaky(b, 29, x, 3, 1024);
        x = b.conv("conv_30", x, 1, 1, Padding.VALID, OUTPUT_CHANNELS, true);
        return Blueprint.of("yolov2", input, List.of(), b, x);
    }

    private static String convBnLeaky(GraphBuilder b, int layer, String in, int k, int filters) {
        String c = b.conv("conv_" + layer, in, k, 1, Padding.SAME, filters, false);
        c = b.batchNorm("bn_" + layer, c, BN_EPSILON);
        return b.leakyRelu("leaky_" + layer, c, LEAKY);
    }
}
