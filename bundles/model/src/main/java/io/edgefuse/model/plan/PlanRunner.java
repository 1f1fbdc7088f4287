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
        return run(m, plan, input, executorFor, null);
    }

    /**
     * As {@link #run(Model, Plan, Tensor, Function)}, with the tiles of each stage computed concurrently on
     * {@code pool} (one task per tile), as the devices of a cluster would; null runs them one by one.
     */
    public static Result run(Model m, Plan plan, Tensor input, Function<String, Executor> executorFor, java.util.concurrent.ExecutorService pool) {
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
            java.util.List<java.util.concurrent.Callable<Tensor>> jobs = new java.util.ArrayList<>();
            java.util.List<Region> regions = new java.util.ArrayList<>();
            for (Assignment a : sp.assignments()) {
                Region r = a.region() == null ? Region.full(m.shape(s.last())) : a.region();
                StageGeometry geo = StageGeometry.of(m, s, r);
                Tensor tileIn = whole.crop(geo.inputRegion());
                scattered += 4L * tileIn.size();
                Executor ex = executorFor.apply(a.device());
                jobs.add(() -> ex.run(m, s, new RegionTensor(geo.inputRegion(), tileIn), r));
                regions.add(r);
            }
            java.util.List<Tensor> tiles = new java.util.ArrayList<>();
            if (pool == null) {
                for (java.util.concurrent.Callable<Tensor> j : jobs) tiles.add(call(j));
            } else {
                try {
                    for (java.util.concurrent.Future<Tensor> f : pool.invokeAll(jobs)) tiles.add(f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new io.edgefuse.model.ModelException("interrupted while running tiles");
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new io.edgefuse.model.ModelException(e.getCause().toString());
                }
            }
            for (int i = 0; i < tiles.size(); i++) {
                gathered += 4L * tiles.get(i).size();
                RegionTensor.paste(out, regions.get(i), tiles.get(i));
            }
            current = out;
            lastTiled = out;
        }
        return new Result(current, lastTiled, scattered, gathered);
    }

    private static Tensor call(java.util.concurrent.Callable<Tensor> job) {
        try {
            return job.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new io.edgefuse.model.ModelException(e.toString());
        }
    }
}
