package io.edgefuse.model.plan;

import io.edgefuse.model.Model;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Runs a model monolithically and under several partitioned plans and measures how far apart the outputs
 * are. The invariant: max abs error <= 1e-4 of the output's max magnitude, at the model output and at
 * the end of the tiled part (before softmax can hide differences).
 */
public final class PartitionCheck {
    public static final double TOLERANCE = 1e-4;

    public record Case(String name, Plan plan, int stages, int tiles, double maxAbsError, double relativeError,
                       double featureRelativeError, long scatteredBytes, long gatheredBytes, long millis) {
        public boolean passed() {
            return relativeError <= TOLERANCE && featureRelativeError <= TOLERANCE;
        }
    }

    private PartitionCheck() {}

    /** Plans that exercise uneven stripes, 2-D grids, several fused-block cuts and layer-by-layer sync. */
    public static List<Plan> testPlans(Model m, int devices, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int prefix = Cuts.spatialPrefixEnd(m);
        List<Plan> plans = new ArrayList<>();
        if (prefix < 0) {
            plans.add(new Plan("single", List.of(whole(m, 0, m.size() - 1))));
            return plans;
        }
        List<Integer> ends = new ArrayList<>();
        for (int e : Cuts.validEnds(m)) if (e <= prefix) ends.add(e);
        plans.add(build(m, "one-block-stripes", List.of(prefix), devices, false, rnd));
        plans.add(build(m, "fused-blocks-stripes", randomCuts(ends, prefix, 3, rnd), devices, false, rnd));
        plans.add(build(m, "fused-blocks-grid", randomCuts(ends, prefix, 3, rnd), devices, true, rnd));
        plans.add(build(m, "layerwise-grid", ends, devices, true, rnd));
        return plans;
    }

    public static List<Case> run(Model m, List<Plan> plans, Tensor input, Executor reference, Function<String, Executor> executors) {
        Tensor mono = reference.runWhole(m, input);
        int prefix = Cuts.spatialPrefixEnd(m);
        Tensor monoFeature = prefix >= 0 && prefix < m.size() - 1 ? reference.run(m, Stage.of(m, 0, prefix), io.edgefuse.model.region.RegionTensor.whole(input), null) : null;
        List<Case> cases = new ArrayList<>();
        for (Plan p : plans) {
            long t0 = System.nanoTime();
            PlanRunner.Result r = PlanRunner.run(m, p, input, executors);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            double abs = r.output().maxAbsDiff(mono);
            double rel = relative(abs, mono);
            double featRel = 0;
            if (monoFeature != null && r.lastTiledOutput() != null && java.util.Arrays.equals(r.lastTiledOutput().shape(), monoFeature.shape())) {
                featRel = relative(r.lastTiledOutput().maxAbsDiff(monoFeature), monoFeature);
            }
            int tiles = 0;
            for (StagePlan sp : p.stages()) tiles += sp.assignments().size();
            cases.add(new Case(p.planner(), p, p.stageCount(), tiles, abs, rel, featRel, r.scatteredBytes(), r.gatheredBytes(), ms));
        }
        return cases;
    }

    private static double relative(double abs, Tensor ref) {
        double max = ref.maxAbs();
        if (Double.isNaN(abs)) return Double.NaN;
        return max == 0 ? abs : abs / max;
    }

    private static List<Integer> randomCuts(List<Integer> ends, int prefix, int k, SplittableRandom rnd) {
        List<Integer> pool = new ArrayList<>();
        for (int e : ends) if (e < prefix) pool.add(e);
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < k && !pool.isEmpty(); i++) chosen.add(pool.remove(rnd.nextInt(pool.size())));
        chosen.add(prefix);
        chosen.sort(Integer::compare);
        return chosen;
    }

    private static Plan build(Model m, String name, List<Integer> stageEnds, int devices, boolean grid, SplittableRandom rnd) {
        List<StagePlan> stages = new ArrayList<>();
        int first = 0;
        for (int end : stageEnds) {
            Stage s = Stage.of(m, first, end);
            var out = m.shape(end);
            double[] weights = new double[devices];
            for (int d = 0; d < devices; d++) weights[d] = 0.5 + rnd.nextDouble();
            List<Region> tiles = grid ? gridTiles(out.h(), out.w(), weights) : null;
            if (tiles == null) tiles = Tiling.stripes(out.h(), out.w(), trim(weights, out.h()));
            List<Assignment> as = new ArrayList<>();
            for (int t = 0; t < tiles.size(); t++) as.add(new Assignment("d" + t, tiles.get(t)));
            stages.add(new StagePlan(s, as));
            first = end + 1;
        }
        if (first < m.size()) stages.add(whole(m, first, m.size() - 1));
        return new Plan(name, stages).validate(m);
    }

    /** Two or more bands whose columns add up to the device count; null when the map is too small. */
    private static List<Region> gridTiles(int h, int w, double[] weights) {
        int n = weights.length;
        int bands = (int) Math.round(Math.sqrt(n));
        if (bands < 2 || bands > h) return null;
        int[] cols = new int[bands];
        for (int b = 0; b < bands; b++) cols[b] = n / bands + (b < n % bands ? 1 : 0);
        for (int c : cols) if (c > w) return null;
        return Tiling.grid(h, w, cols, weights);
    }

    private static double[] trim(double[] w, int max) {
        return w.length <= max ? w : java.util.Arrays.copyOf(w, max);
    }

    private static StagePlan whole(Model m, int first, int last) {
        return new StagePlan(Stage.of(m, first, last), List.of(new Assignment("d0", null)));
    }
}
