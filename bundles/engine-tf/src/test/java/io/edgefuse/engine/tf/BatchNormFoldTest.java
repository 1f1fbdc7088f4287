package io.edgefuse.engine.tf;

import static io.edgefuse.engine.tf.Oracle.assertTilesMatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.edgefuse.engine.tf.internal.ConvBatchNormFold;
import io.edgefuse.model.Model;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batch norm folded into the conv in front of it (when both are in the stage) gives the reference's
 * numbers, whole and tiled, for plain, depthwise and grouped convs, and so does a stage cut between the two.
 */
class BatchNormFoldTest {
    private static TfExecutor tf;

    @BeforeAll
    static void open() {
        tf = new TfExecutor(2, 1, 16);
    }

    @AfterAll
    static void close() {
        tf.close();
    }

    static Model convBnLeaky(int groups, boolean bias) {
        return new ModelBuilder(14, 12, 4, 31 + groups)
                .add("c", new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 8, groups, bias), "input")
                .add("bn", new Op.BatchNorm(1e-3), "c")
                .add("act", new Op.LeakyRelu(0.1), "bn")
                .add("c2", new Op.Conv2D(3, 3, 2, 2, Padding.SAME, 6, 1, false), "act")
                .add("bn2", new Op.BatchNorm(1e-5), "c2")
                .build("conv-bn-" + groups);
    }

    @Test
    void foldedPlainDepthwiseAndGroupedConvsMatchTheReference() {
        for (int groups : new int[] {1, 4, 2}) {
            for (boolean bias : new boolean[] {true, false}) assertTilesMatch(tf, convBnLeaky(groups, bias), 40 + groups);
        }
    }

    @Test
    void aStageCutBetweenConvAndBatchNormStillMatches() {
        Model m = convBnLeaky(1, true);
        Tensor x = Tensor.random(41, -1f, 1f, m.input().shape().dims());
        Tensor conv = Oracle.JAVA.run(m, Stage.of(m, 0, 0), RegionTensor.whole(x), null);
        assertTilesMatch(tf, m, Stage.of(m, 0, 0), x);
        assertTilesMatch(tf, m, Stage.of(m, 1, 4), conv);
        // the model's last node is a batch norm behind a conv: folded inside one stage
        Tensor act = Oracle.JAVA.run(m, Stage.of(m, 0, 2), RegionTensor.whole(x), null);
        assertTilesMatch(tf, m, Stage.of(m, 3, 4), act);
    }

    @Test
    void aConvWhoseOutputIsAlsoReadElsewhereIsNotFolded() {
        Model m = new ModelBuilder(10, 10, 3, 77)
                .add("c", Op.Conv2D.of(3, 1, Padding.SAME, 4), "input")
                .add("bn", new Op.BatchNorm(1e-3), "c")
                .add("sum", new Op.Add(), "bn", "c")
                .build("conv-read-twice");
        assertTilesMatch(tf, m, 9);
    }

    @Test
    void aConvAbsorbsItsOnlyReaderWhenThatIsABatchNormInTheSameStage() {
        Model m = convBnLeaky(1, true);
        assertEquals(1, ConvBatchNormFold.absorbedBatchNorm(m, Stage.of(m, 0, 2), 0));
        assertEquals(-1, ConvBatchNormFold.absorbedBatchNorm(m, Stage.of(m, 0, 0), 0), "the conv ends the stage");
        assertEquals(-1, ConvBatchNormFold.absorbedBatchNorm(m, Stage.of(m, 0, 2), 1), "not a conv");
        assertEquals(4, ConvBatchNormFold.absorbedBatchNorm(m, Stage.of(m, 3, 4), 3), "the model's output behind its conv");
        Model twice = new ModelBuilder(10, 10, 3, 77)
                .add("c", Op.Conv2D.of(3, 1, Padding.SAME, 4), "input")
                .add("bn", new Op.BatchNorm(1e-3), "c")
                .add("sum", new Op.Add(), "bn", "c")
                .build("conv-read-twice");
        assertEquals(-1, ConvBatchNormFold.absorbedBatchNorm(twice, Stage.of(twice, 0, 2), 0), "the conv's output is read twice");
    }

    @Test
    void aModelsFoldedFiltersAreMadeOnce() {
        Model m = convBnLeaky(1, false);
        ConvBatchNormFold.Folded a = ConvBatchNormFold.of(m, 0, 1);
        assertSame(a, ConvBatchNormFold.of(m, 0, 1));
        assertEquals(8, a.bias().size());
    }
}
