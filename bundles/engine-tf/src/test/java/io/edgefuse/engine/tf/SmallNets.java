package io.edgefuse.engine.tf;

import io.edgefuse.model.Model;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;

/** Small whole networks (feature extractor plus classifier tail) for plan and baseline tests. */
final class SmallNets {
    private SmallNets() {}

    /** Residual blocks, a depthwise-separable block, concat, reorg, pools, then a dense head. */
    static Model mixed() {
        return new ModelBuilder(40, 40, 3, 101)
                .add("c1", new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 8, 1, false), "input")
                .add("bn1", new Op.BatchNorm(1e-3), "c1")
                .add("r1", new Op.Relu(), "bn1")
                .add("p1", new Op.MaxPool(2, 2, 2, 2, Padding.VALID), "r1")
                .add("c2", Op.Conv2D.of(3, 1, Padding.symmetric(1), 8), "p1")
                .add("r2", new Op.Relu(), "c2")
                .add("c3", Op.Conv2D.of(3, 1, Padding.SAME, 8), "r2")
                .add("add1", new Op.Add(), "c3", "p1")
                .add("dw", new Op.Conv2D(3, 3, 2, 2, Padding.SAME, 8, 8, true), "add1")
                .add("r6", new Op.Relu6(), "dw")
                .add("pw", new Op.Conv2D(1, 1, 1, 1, Padding.VALID, 12, 1, true), "r6")
                .add("a", Op.Conv2D.of(5, 1, Padding.explicit(2, 2, 1, 3), 6), "pw")
                .add("b", new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 6, 3, true), "pw")
                .add("cat", new Op.Concat(), "a", "b")
                .add("lr", new Op.LeakyRelu(0.1), "cat")
                .add("ap", new Op.AvgPool(3, 3, 1, 1, Padding.explicit(1, 1, 2, 0)), "lr")
                .add("rg", new Op.Reorg(2), "ap")
                .add("c4", Op.Conv2D.of(3, 1, Padding.SAME, 16), "rg")
                .add("gap", new Op.GlobalAvgPool(), "c4")
                .add("fc", new Op.Dense(10, true), "gap")
                .add("prob", new Op.Softmax(), "fc")
                .build("mixed");
    }

    /** A plain VGG-like stack with TF-style SAME padding and a flatten head. */
    static Model vggLike(int size, int width) {
        return new ModelBuilder(size, size, 3, 202)
                .add("c1", Op.Conv2D.of(3, 1, Padding.SAME, width), "input")
                .add("r1", new Op.Relu(), "c1")
                .add("c2", Op.Conv2D.of(3, 1, Padding.SAME, width), "r1")
                .add("r2", new Op.Relu(), "c2")
                .add("p1", new Op.MaxPool(2, 2, 2, 2, Padding.SAME), "r2")
                .add("c3", Op.Conv2D.of(3, 1, Padding.SAME, 2 * width), "p1")
                .add("r3", new Op.Relu(), "c3")
                .add("c4", Op.Conv2D.of(3, 1, Padding.SAME, 2 * width), "r3")
                .add("r4", new Op.Relu(), "c4")
                .add("p2", new Op.MaxPool(2, 2, 2, 2, Padding.SAME), "r4")
                .add("c5", Op.Conv2D.of(3, 1, Padding.SAME, 4 * width), "p2")
                .add("r5", new Op.Relu(), "c5")
                .add("p3", new Op.AvgPool(3, 3, 2, 2, Padding.SAME), "r5")
                .add("f", new Op.Flatten(), "p3")
                .add("fc", new Op.Dense(10, true), "f")
                .add("prob", new Op.Softmax(), "fc")
                .build("vgg-like");
    }
}
