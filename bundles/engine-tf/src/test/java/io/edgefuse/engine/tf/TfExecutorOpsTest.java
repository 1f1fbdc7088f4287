package io.edgefuse.engine.tf;

import static io.edgefuse.engine.tf.Oracle.assertTilesMatch;

import io.edgefuse.model.Model;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each op alone and in small fused blocks: TensorFlow against the Java reference, whole and tiled. */
class TfExecutorOpsTest {
    private static TfExecutor tf;

    @BeforeAll
    static void open() {
        tf = new TfExecutor(2, 1, 16);
    }

    @AfterAll
    static void close() {
        tf.close();
    }

    /** Same, valid and an asymmetric explicit padding that fits the kernel. */
    static List<Padding> paddings(int k) {
        return List.of(Padding.SAME, Padding.VALID, Padding.explicit(Math.min(2, k - 1), 0, Math.min(1, k - 1), k - 1));
    }

    static Stream<Arguments> convs() {
        List<Arguments> cases = new ArrayList<>();
        for (int k : new int[] {1, 3, 5, 7}) {
            for (int s = 1; s <= 3; s++) {
                for (Padding p : paddings(k)) cases.add(Arguments.of(k, s, p, 1));
            }
        }
        for (int groups : new int[] {4, 2}) {
            for (int k : new int[] {3, 5}) {
                for (int s = 1; s <= 2; s++) {
                    cases.add(Arguments.of(k, s, Padding.SAME, groups));
                    cases.add(Arguments.of(k, s, paddings(k).get(2), groups));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "conv k{0} s{1} pad {2} groups {3}")
    @MethodSource("convs")
    void conv(int k, int s, Padding p, int groups) {
        Model m = new ModelBuilder(13, 11, 4, k * 100 + s * 10 + groups)
                .add("c", new Op.Conv2D(k, k, s, s, p, 8, groups, true), "input")
                .build("conv");
        assertTilesMatch(tf, m, 1);
    }

    @Test
    void convWithoutBiasAndRectangularKernel() {
        Model m = new ModelBuilder(10, 9, 3, 5)
                .add("c", new Op.Conv2D(1, 5, 1, 2, Padding.explicit(0, 1, 2, 2), 5, 1, false), "input")
                .build("conv-rect");
        assertTilesMatch(tf, m, 2);
    }

    static Stream<Arguments> pools() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean max : new boolean[] {true, false}) {
            for (int k : new int[] {2, 3, 5}) {
                for (int s = 1; s <= 3; s++) {
                    for (Padding p : paddings(k)) cases.add(Arguments.of(max, k, s, p));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} pool k{1} s{2} pad {3}")
    @MethodSource("pools")
    void pool(boolean max, int k, int s, Padding p) {
        Op op = max ? new Op.MaxPool(k, k, s, s, p) : new Op.AvgPool(k, k, s, s, p);
        Model m = new ModelBuilder(12, 11, 3, 3).add("p", op, "input").build(max ? "maxpool" : "avgpool");
        assertTilesMatch(tf, m, k * 10 + s);
    }

    @Test
    void maxPoolOnNegativeInputNeverPicksPadding() {
        Model m = new ModelBuilder(7, 7, 2, 3).add("p", new Op.MaxPool(3, 3, 2, 2, Padding.symmetric(1)), "input").build("maxpool-neg");
        Tensor x = Tensor.random(9, -2f, -1f, 7, 7, 2);
        assertTilesMatch(tf, m, Stage.of(m, 0, 0), x);
    }

    static Stream<Op> pointwise() {
        return Stream.of(new Op.Relu(), new Op.Relu6(), new Op.LeakyRelu(0.1), new Op.BatchNorm(1e-3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pointwise")
    void pointwiseOp(Op op) {
        // Scaled input so that relu6 clips on both sides.
        Model m = new ModelBuilder(9, 8, 5, 11).add("x", op, "input").build(op.name());
        Tensor x = Tensor.random(4, -8f, 8f, 9, 8, 5);
        assertTilesMatch(tf, m, Stage.of(m, 0, 0), x);
    }

    @Test
    void reorg() {
        Model m = new ModelBuilder(12, 8, 3, 13)
                .add("c", Op.Conv2D.of(3, 1, Padding.SAME, 4), "input")
                .add("r", new Op.Reorg(2), "c")
                .build("reorg");
        assertTilesMatch(tf, m, 3);
        Model m3 = new ModelBuilder(9, 6, 2, 14).add("r", new Op.Reorg(3), "input").build("reorg3");
        assertTilesMatch(tf, m3, 4);
    }

    @Test
    void residualAddOfTwoAndThreeInputs() {
        Model m = new ModelBuilder(11, 10, 4, 17)
                .add("c1", Op.Conv2D.of(3, 1, Padding.SAME, 4), "input")
                .add("b1", new Op.BatchNorm(1e-5), "c1")
                .add("r1", new Op.Relu(), "b1")
                .add("c2", Op.Conv2D.of(3, 1, Padding.SAME, 4), "r1")
                .add("sum", new Op.Add(), "c2", "input")
                .add("c3", Op.Conv2D.of(1, 1, Padding.VALID, 4), "sum")
                .add("sum3", new Op.Add(), "c3", "sum", "r1")
                .add("out", new Op.Relu(), "sum3")
                .build("residual");
        assertTilesMatch(tf, m, 5);
    }

    @Test
    void concatOfBranchesWithDifferentHalos() {
        Model m = new ModelBuilder(10, 12, 3, 19)
                .add("a", Op.Conv2D.of(5, 1, Padding.SAME, 4), "input")
                .add("b", Op.Conv2D.of(1, 1, Padding.VALID, 2), "input")
                .add("cat", new Op.Concat(), "a", "b", "input")
                .add("d", Op.Conv2D.of(3, 2, Padding.SAME, 6), "cat")
                .build("concat");
        assertTilesMatch(tf, m, 6);
    }

    /** A fused block mixing strides, asymmetric padding, pools, depthwise and reorg. */
    static Model fusedBlock() {
        return new ModelBuilder(32, 28, 3, 23)
                .add("c1", new Op.Conv2D(3, 3, 2, 2, Padding.SAME, 8, 1, true), "input")
                .add("b1", new Op.BatchNorm(1e-3), "c1")
                .add("l1", new Op.LeakyRelu(0.1), "b1")
                .add("p1", new Op.MaxPool(3, 3, 1, 1, Padding.explicit(1, 1, 0, 2)), "l1")
                .add("dw", new Op.Conv2D(3, 3, 1, 1, Padding.symmetric(1), 8, 8, false), "p1")
                .add("r6", new Op.Relu6(), "dw")
                .add("c2", new Op.Conv2D(5, 3, 1, 1, Padding.explicit(2, 2, 0, 2), 8, 2, true), "r6")
                .add("a1", new Op.AvgPool(3, 3, 1, 1, Padding.SAME), "c2")
                .add("rg", new Op.Reorg(2), "a1")
                .add("c3", new Op.Conv2D(1, 1, 1, 1, Padding.VALID, 6, 1, true), "rg")
                .build("fused");
    }

    @Test
    void fusedBlockTiles() {
        assertTilesMatch(tf, fusedBlock(), 7);
    }

    @Test
    void stageInTheMiddleOfTheModel() {
        Model m = fusedBlock();
        Tensor x = Tensor.random(8, -1f, 1f, 32, 28, 3);
        Tensor mid = Oracle.JAVA.run(m, Stage.of(m, 0, 2), RegionTensor.whole(x), null);
        assertTilesMatch(tf, m, Stage.of(m, 3, 8), mid);
    }

    @Test
    void nonTileableTails() {
        Model gap = new ModelBuilder(9, 9, 3, 29)
                .add("c", Op.Conv2D.of(3, 2, Padding.SAME, 6), "input")
                .add("g", new Op.GlobalAvgPool(), "c")
                .add("d", new Op.Dense(5, true), "g")
                .add("r", new Op.Relu(), "d")
                .add("d2", new Op.Dense(4, false), "r")
                .add("s", new Op.Softmax(), "d2")
                .build("gap-tail");
        Model flat = new ModelBuilder(6, 5, 2, 31)
                .add("c", Op.Conv2D.of(3, 1, Padding.VALID, 3), "input")
                .add("f", new Op.Flatten(), "c")
                .add("d", new Op.Dense(7, true), "f")
                .add("s", new Op.Softmax(), "d")
                .build("flatten-tail");
        for (Model m : List.of(gap, flat)) {
            Tensor x = Tensor.random(10, -1f, 1f, m.input().shape().dims());
            Oracle.assertClose(Oracle.JAVA.runWhole(m, x), tf.runWhole(m, x), m.name() + " whole");
            // The vector part alone, fed with the reference's feature map.
            Tensor feature = Oracle.JAVA.run(m, Stage.of(m, 0, 0), RegionTensor.whole(x), null);
            Stage tail = Stage.of(m, 1, m.size() - 1);
            Oracle.assertClose(Oracle.JAVA.run(m, tail, RegionTensor.whole(feature), null), tf.run(m, tail, RegionTensor.whole(feature), null), m.name() + " tail");
        }
    }

    /**
     * Weights of at least WeightPolicy.FEED_FROM_VALUES values are fed placeholders rather than constants
     * (a 4096x4096 dense layer, 16.8 M values, beside a small constant one): same numbers as the
     * reference, and a graph evicted from the cache (closing its fed tensors) is rebuilt and right again.
     */
    @Test
    void largeWeightsAreFed() {
        Model m = new ModelBuilder(1, 1, 4096, 37)
                .add("f", new Op.Flatten(), "input")
                .add("d", new Op.Dense(4096, true), "f")
                .add("r", new Op.Relu(), "d")
                .add("d2", new Op.Dense(10, true), "r")
                .add("s", new Op.Softmax(), "d2")
                .build("fed-weights");
        assertTrue(m.weight("d.weight").size() >= io.edgefuse.engine.tf.WeightPolicy.FEED_FROM_VALUES);
        Tensor x = Tensor.random(12, -1f, 1f, 1, 1, 4096);
        Stage head = Stage.of(m, 0, 2);
        try (TfExecutor small = new TfExecutor(1, 1, 1)) {
            for (int round = 0; round < 2; round++) {
                Oracle.assertClose(Oracle.JAVA.runWhole(m, x), small.runWhole(m, x), "whole, round " + round);
                // Another graph evicts the first: its fed tensors are closed, the next run builds it anew.
                Oracle.assertClose(Oracle.JAVA.run(m, head, RegionTensor.whole(x), null), small.run(m, head, RegionTensor.whole(x), null), "head, round " + round);
            }
        }
    }
}
