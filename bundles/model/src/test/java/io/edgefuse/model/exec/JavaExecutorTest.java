package io.edgefuse.model.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-computed results for the reference executor's windowed ops. */
class JavaExecutorTest {
    private final JavaExecutor java = new JavaExecutor();

    private static Tensor grid3x3() {
        return new Tensor(new int[] {3, 3, 1}, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    }

    @Test
    void convWithSamePaddingSumsTheNeighbourhood() {
        Tensor ones = new Tensor(new int[] {3, 3, 1, 1}, new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1});
        Model m = new Model("t", InputSpec.of(3, 3, 1), List.of(),
                List.of(Node.of("c", new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 1, 1, true), "input")), "c",
                Map.of("c.weight", ones, "c.bias", new Tensor(new int[] {1}, new float[] {0.5f})));
        Tensor out = java.runWhole(m, grid3x3());
        assertArrayEquals(new float[] {12.5f, 21.5f, 16.5f, 27.5f, 45.5f, 33.5f, 24.5f, 39.5f, 28.5f}, out.data(), 1e-6f);
    }

    @Test
    void avgPoolExcludesPaddingAndMaxPoolIgnoresIt() {
        Op.AvgPool avg = new Op.AvgPool(2, 2, 2, 2, Padding.explicit(1, 0, 1, 0));
        Model m = new Model("t", InputSpec.of(3, 3, 1), List.of(), List.of(Node.of("p", avg, "input")), "p", Map.of());
        // windows: {1}, {2,3}, {4,7}, {5,6,8,9}
        assertArrayEquals(new float[] {1f, 2.5f, 5.5f, 7f}, java.runWhole(m, grid3x3()).data(), 1e-6f);
        Tensor neg = grid3x3().copy();
        for (int i = 0; i < 9; i++) neg.data()[i] = -neg.data()[i];
        Op.MaxPool max = new Op.MaxPool(2, 2, 2, 2, Padding.explicit(1, 0, 1, 0));
        Model mm = new Model("t", InputSpec.of(3, 3, 1), List.of(), List.of(Node.of("p", max, "input")), "p", Map.of());
        assertArrayEquals(new float[] {-1f, -2f, -4f, -5f}, java.runWhole(mm, neg).data(), 1e-6f);
    }

    @Test
    void reorgMovesEachBlockIntoChannels() {
        Tensor in = new Tensor(new int[] {2, 2, 2}, new float[] {1, 10, 2, 20, 3, 30, 4, 40});
        Model m = new Model("t", InputSpec.of(2, 2, 2), List.of(), List.of(Node.of("r", new Op.Reorg(2), "input")), "r", Map.of());
        assertArrayEquals(new float[] {1, 10, 2, 20, 3, 30, 4, 40}, java.runWhole(m, in).data());
    }

    @Test
    void depthwiseConvKeepsChannelsApart() {
        Tensor w = new Tensor(new int[] {1, 1, 1, 2}, new float[] {2f, -1f});
        Model m = new Model("t", InputSpec.of(1, 2, 2), List.of(),
                List.of(Node.of("d", new Op.Conv2D(1, 1, 1, 1, Padding.VALID, 2, 2, false), "input")), "d", Map.of("d.weight", w));
        Tensor in = new Tensor(new int[] {1, 2, 2}, new float[] {1, 2, 3, 4});
        assertArrayEquals(new float[] {2, -2, 6, -4}, java.runWhole(m, in).data());
    }
}
