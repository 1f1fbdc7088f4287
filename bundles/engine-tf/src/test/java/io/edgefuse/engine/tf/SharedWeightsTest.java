package io.edgefuse.engine.tf;

import static io.edgefuse.engine.tf.Oracle.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.engine.tf.WeightPolicy;
import io.edgefuse.model.Model;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.region.StageGeometry;
import io.edgefuse.model.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tile graphs feed filters from one copy per model version (FEED_ALL) or hold them as constants
 * (CONSTANT_FILTERS): the same numbers as the reference either way, the copies shared by every tile
 * graph of the version, and freed with the last of them.
 */
class SharedWeightsTest {
    /** Filters of 3x3x16x32 = 4608 and 3x3x32x32 = 9216 values: above FEED_ALL's threshold; the 3x3x3x16 one below. */
    static Model convs() {
        return new ModelBuilder(24, 20, 3, 5)
                .add("c1", new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 16, 1, true), "input")
                .add("b1", new Op.BatchNorm(1e-3), "c1")
                .add("r1", new Op.Relu(), "b1")
                .add("c2", new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 32, 1, true), "r1")
                .add("r2", new Op.Relu(), "c2")
                .add("p2", new Op.MaxPool(2, 2, 2, 2, Padding.VALID), "r2")
                .add("c3", new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 32, 1, false), "p2")
                .build("shared");
    }

    @ParameterizedTest
    @EnumSource(WeightPolicy.class)
    void tilesShareOneCopyOfEachFedWeightAndFreeItWithTheLastGraph(WeightPolicy policy) {
        Model m = convs();
        Stage stage = Stage.of(m, 0, m.size() - 1);
        Tensor x = Tensor.random(3, -1f, 1f, m.input().shape().dims());
        Tensor full = Oracle.JAVA.run(m, stage, RegionTensor.whole(x), null);
        int h = m.shape(stage.last()).h(), w = m.shape(stage.last()).w();
        try (TfExecutor tf = new TfExecutor(1, 1, 3, policy)) {
            for (int k = 0; k < 3; k++) {
                Region r = new Region(k * h / 3, (k + 1) * h / 3, 0, w);
                Region in = StageGeometry.of(m, stage, r).inputRegion();
                Tensor got = tf.run(m, stage, new RegionTensor(in, RegionTensor.whole(x).crop(in)), r);
                assertClose(new RegionTensor(Region.full(m.shape(stage.last())), full).crop(r), got, policy + " tile " + r);
            }
            assertEquals(3, tf.cachedGraphs());
            Map<String, Integer> held = tf.sharedWeights();
            if (policy == WeightPolicy.FEED_ALL) {
                assertEquals(Map.of(m.version(), 2), held, "c2's and c3's filters, once for all three tile graphs");
            } else {
                assertTrue(held.getOrDefault(m.version(), 0) == 0, "no fed weight under " + policy + ": " + held);
            }
            // A whole-map run of another stage evicts the oldest graphs; the rest keep the copies alive.
            Stage head = Stage.of(m, 0, 2);
            assertClose(Oracle.JAVA.run(m, head, RegionTensor.whole(x), null), tf.run(m, head, RegionTensor.whole(x), null), policy + " head");
            assertEquals(policy == WeightPolicy.FEED_ALL ? Map.of(m.version(), 2) : held, tf.sharedWeights());
        }
    }

    @ParameterizedTest
    @EnumSource(WeightPolicy.class)
    void closingTheExecutorFreesTheCopies(WeightPolicy policy) {
        Model m = convs();
        Tensor x = Tensor.random(4, -1f, 1f, m.input().shape().dims());
        TfExecutor tf = new TfExecutor(1, 1, 2, policy);
        assertClose(Oracle.JAVA.runWhole(m, x), tf.runWhole(m, x), policy + " whole");
        tf.close();
        assertEquals(Map.of(), tf.sharedWeights());
    }
}
