package io.edgefuse.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.Shape;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.region.StageGeometry;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Compares an executor with the Java reference on whole maps and on tiles. */
final class Oracle {
    /** Max abs difference allowed, relative to the reference output's max magnitude. */
    static final double TOLERANCE = 1e-5;

    static final JavaExecutor JAVA = new JavaExecutor();

    private Oracle() {}

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double diff = expected.maxAbsDiff(actual);
        double scale = Math.max(expected.maxAbs(), 1e-6);
        assertTrue(diff <= TOLERANCE * scale, what + ": max abs diff " + diff + " vs max magnitude " + scale);
    }

    /** Tiles touching each border, a corner, the interior, a single pixel, and the whole map. */
    static List<Region> tiles(Shape out) {
        int h = out.h(), w = out.w();
        LinkedHashSet<Region> rs = new LinkedHashSet<>();
        rs.add(Region.full(out));
        rs.add(new Region(0, (h + 1) / 2, 0, (w + 1) / 2));
        rs.add(new Region(h / 2, h, w / 2, w));
        rs.add(new Region(h / 3, Math.max(h / 3 + 1, 2 * h / 3), 0, w));
        if (h >= 3 && w >= 3) {
            rs.add(new Region(1, h - 1, 1, w - 1));
            rs.add(new Region(h / 2, h / 2 + 1, w / 2, w / 2 + 1));
        }
        return new ArrayList<>(rs);
    }

    /**
     * For every tile of the stage's output: the executor on exactly the input the tile needs, and on
     * the whole input (so the graph crops it itself), against the reference on the whole input.
     */
    static void assertTilesMatch(Executor ex, Model m, Stage s, Tensor stageInput) {
        RegionTensor whole = RegionTensor.whole(stageInput);
        Tensor full = JAVA.run(m, s, whole, null);
        for (Region r : tiles(m.shape(s.last()))) {
            StageGeometry geo = StageGeometry.of(m, s, r);
            Tensor expected = new RegionTensor(Region.full(m.shape(s.last())), full).crop(r);
            RegionTensor needed = new RegionTensor(geo.inputRegion(), whole.crop(geo.inputRegion()));
            assertClose(expected, ex.run(m, s, needed, r), m.name() + " tile " + r);
            assertClose(expected, ex.run(m, s, whole, r), m.name() + " tile " + r + " from the whole input");
        }
    }

    static void assertTilesMatch(Executor ex, Model m, long seed) {
        Tensor input = Tensor.random(seed, -1f, 1f, m.input().shape().dims());
        assertTilesMatch(ex, m, Stage.of(m, 0, m.size() - 1), input);
    }
}
