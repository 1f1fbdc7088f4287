package io.edgefuse.engine.tf;

import static io.edgefuse.engine.tf.Oracle.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.region.StageGeometry;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Session cache bounds, reuse, concurrent tiles and input checks. */
class TfExecutorCacheTest {
    private final Model m = TfExecutorOpsTest.fusedBlock();
    private final Stage stage = Stage.of(m, 0, m.size() - 1);
    private final Tensor input = Tensor.random(21, -1f, 1f, m.input().shape().dims());
    private final Tensor full = Oracle.JAVA.run(m, stage, RegionTensor.whole(input), null);

    private List<Region> stripes(int n) {
        int h = m.shape(stage.last()).h(), w = m.shape(stage.last()).w();
        List<Region> rs = new ArrayList<>();
        for (int k = 0; k < n; k++) rs.add(new Region(k * h / n, (k + 1) * h / n, 0, w));
        return rs;
    }

    private Tensor runTile(TfExecutor tf, Region r) {
        Region in = StageGeometry.of(m, stage, r).inputRegion();
        return tf.run(m, stage, new RegionTensor(in, RegionTensor.whole(input).crop(in)), r);
    }

    private Tensor expected(Region r) {
        return new RegionTensor(Region.full(m.shape(stage.last())), full).crop(r);
    }

    @Test
    void cacheStaysBoundedAndReusesGraphs() {
        try (TfExecutor tf = new TfExecutor(1, 1, 2)) {
            List<Region> tiles = stripes(4);
            for (int round = 0; round < 2; round++) {
                for (Region r : tiles) assertClose(expected(r), runTile(tf, r), "tile " + r);
                assertEquals(2, tf.cachedGraphs());
            }
            runTile(tf, tiles.get(3));
            assertEquals(2, tf.cachedGraphs(), "a repeated tile reuses its graph");
        }
    }

    @Test
    void concurrentTilesWithEvictionsUnderway() throws Exception {
        List<Region> tiles = stripes(4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (TfExecutor tf = new TfExecutor(1, 1, 2)) {
            List<Future<?>> done = new ArrayList<>();
            for (int k = 0; k < 24; k++) {
                Region r = tiles.get(k % tiles.size());
                done.add(pool.submit(() -> assertClose(expected(r), runTile(tf, r), "tile " + r)));
            }
            for (Future<?> f : done) f.get();
            assertTrue(tf.cachedGraphs() <= 2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsAnInputThatMissesTheHalo() {
        try (TfExecutor tf = new TfExecutor(1, 1)) {
            Region r = stripes(2).get(1);
            Region need = StageGeometry.of(m, stage, r).inputRegion();
            Region shortOne = new Region(need.top() + 1, need.bottom(), need.left(), need.right());
            RegionTensor in = new RegionTensor(shortOne, RegionTensor.whole(input).crop(shortOne));
            assertThrows(ModelException.class, () -> tf.run(m, stage, in, r));
        }
    }

    @Test
    void closedExecutorRefusesWork() {
        TfExecutor tf = new TfExecutor(1, 1);
        Region r = stripes(2).get(0);
        runTile(tf, r);
        tf.close();
        assertEquals(0, tf.cachedGraphs());
        assertThrows(IllegalStateException.class, () -> runTile(tf, r));
    }

    @Test
    void sameGraphWithOtherWeightsGetsItsOwnSession() {
        Model other = m.withWeights(new ModelBuilder(32, 28, 3, 999).addAll(m).weights());
        try (TfExecutor tf = new TfExecutor(1, 1)) {
            Tensor a = tf.runWhole(m, input), b = tf.runWhole(other, input);
            assertClose(Oracle.JAVA.runWhole(m, input), a, "first weights");
            assertClose(Oracle.JAVA.runWhole(other, input), b, "second weights");
            assertEquals(2, tf.cachedGraphs());
        }
    }
}
