package io.edgefuse.model.plan;

import io.edgefuse.model.Model;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.region.StageGeometry;
import io.edgefuse.model.tensor.Tensor;
import java.util.function.Function;

/**
 * Runs a plan in one process, tile by tile: for each tile, the stage input it needs (with halo) is cut
 * out, the device's executor computes the tile, and tiles are assembled into the stage output. This is
 * the in-process twin of the coordinator's scatter/gather, and what check-partition compares.
 */
public final class PlanRunner {

    /** Bytes a run scattered (tile inputs) and gathered (tile outputs), as float32. */
    public record Result(Tensor output, Tensor lastTiledOutput, long scatteredBytes, long gatheredBytes) {}

    private PlanRunner() {}

    public static Result run(Model m, Plan plan, Tensor input, Function<String, Executor> executorFor) {
        plan.validate(m);
        Tensor current = input, lastTiled = null;
        long scattered = 0, gathered = 0;
        for (StagePlan sp : plan.stages()) {
            Stage s = sp.stage();
            if (!s.tileable()) {
                Executor ex = executorFor.apply(sp.assignments().get(0).device());
                current = ex.run(m, s, RegionTensor.whole(current), null);
                continue;
            }
            Tensor out = Tensor.zeros(m.shape(s.last()));
            RegionTensor whole = RegionTensor.whole(current);
            for (Assignment a : sp.assignments()) {
                Region r = a.region() == null ? Region.full(m.shape(s.last())) : a.region();
                StageGeometry geo = StageGeometry.of(m, s, r);
                Tensor tileIn = whole.crop(geo.inputRegion());
                scattered += 4L * tileIn.size();
                Tensor tile = executorFor.apply(a.device()).run(m, s, new RegionTensor(geo.inputRegion(), tileIn), r);
                gathered += 4L * tile.size();
                RegionTensor.paste(out, r, tile);
            }
            current = out;
            lastTiled = out;
        }
        return new Result(current, lastTiled, scattered, gathered);
    }
}
