package io.edgefuse.allocator.planner;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.model.plan.Assignment;
import io.edgefuse.model.plan.StagePlan;
import io.edgefuse.model.region.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * Local search on a banded layout (stripes are bands of one tile): moves one band boundary by a row or
 * one tile boundary inside a band by a column, keeps the move that shortens the stage most under the
 * exact cost model, and stops when no move helps. This corrects what the linear time model and
 * proportional sizing get wrong: halos, per-tile overheads, and transfer sizes that are not linear.
 */
final class BoundarySearch {
    private BoundarySearch() {}

    /**
     * Refines {@code start}'s layout. Layouts are scored with pipelining ({@link SubTiling}): the split
     * that suits the starting layout is applied to every neighbour (trying all splits for every
     * neighbour would multiply planning time for little), so boundaries settle where they are best for
     * the pieces actually sent; the final layout then gets its own best split.
     */
    static StageOptions.Costed refine(CostModel cost, Cluster c, StageOptions.Costed start, int maxSteps) {
        int split = SubTiling.best(cost, c, start);
        StagePlan layout = start.plan();
        StageOptions.Costed best = SubTiling.with(cost, c, start, split);
        List<List<Assignment>> bands = bands(layout);
        if (bands == null) return best;
        for (int step = 0; step < maxSteps; step++) {
            StageOptions.Costed improved = null;
            StagePlan improvedLayout = null;
            for (StagePlan candidate : neighbours(layout, bands)) {
                StageOptions.Costed k = SubTiling.with(cost, c, StageOptions.evaluate(cost, c, candidate), split);
                if (k.makespan() < (improved == null ? best.makespan() : improved.makespan()) - 1e-12) {
                    improved = k;
                    improvedLayout = candidate;
                }
            }
            if (improved == null) break;
            best = improved;
            layout = improvedLayout;
            bands = bands(layout);
            if (bands == null) break;
        }
        StageOptions.Costed resplit = SubTiling.pipeline(cost, c, StageOptions.evaluate(cost, c, layout));
        return resplit.makespan() < best.makespan() ? resplit : best;
    }

    /** Tiles grouped by rows into bands, or null when the layout is not banded. */
    static List<List<Assignment>> bands(StagePlan sp) {
        List<List<Assignment>> bands = new ArrayList<>();
        for (Assignment a : sp.assignments()) {
            if (a.region() == null) return null;
            List<Assignment> band = null;
            for (List<Assignment> b : bands) {
                Region r = b.get(0).region();
                if (r.top() == a.region().top() && r.bottom() == a.region().bottom()) band = b;
                else if (r.intersects(new Region(a.region().top(), a.region().bottom(), r.left(), r.right()))) return null;
            }
            if (band == null) bands.add(band = new ArrayList<>());
            band.add(a);
        }
        bands.sort((x, y) -> Integer.compare(x.get(0).region().top(), y.get(0).region().top()));
        for (List<Assignment> b : bands) b.sort((x, y) -> Integer.compare(x.region().left(), y.region().left()));
        return bands;
    }

    private static List<StagePlan> neighbours(StagePlan sp, List<List<Assignment>> bands) {
        List<StagePlan> out = new ArrayList<>();
        // Which node takes which tile matters too: border tiles need less halo, so a slow node may belong there.
        List<Assignment> all = sp.assignments();
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                List<Assignment> as = new ArrayList<>(all);
                as.set(i, new Assignment(all.get(j).device(), all.get(i).region()));
                as.set(j, new Assignment(all.get(i).device(), all.get(j).region()));
                out.add(new StagePlan(sp.stage(), as));
            }
        }
        for (int b = 0; b + 1 < bands.size(); b++) {
            for (int d : new int[] {-1, 1}) {
                int boundary = bands.get(b).get(0).region().bottom() + d;
                if (boundary <= bands.get(b).get(0).region().top() || boundary >= bands.get(b + 1).get(0).region().bottom()) continue;
                List<Assignment> as = new ArrayList<>();
                for (int i = 0; i < bands.size(); i++) {
                    for (Assignment a : bands.get(i)) {
                        Region r = a.region();
                        if (i == b) r = new Region(r.top(), boundary, r.left(), r.right());
                        if (i == b + 1) r = new Region(boundary, r.bottom(), r.left(), r.right());
                        as.add(new Assignment(a.device(), r));
                    }
                }
                out.add(new StagePlan(sp.stage(), as));
            }
        }
        for (int b = 0; b < bands.size(); b++) {
            List<Assignment> band = bands.get(b);
            for (int t = 0; t + 1 < band.size(); t++) {
                for (int d : new int[] {-1, 1}) {
                    int boundary = band.get(t).region().right() + d;
                    if (boundary <= band.get(t).region().left() || boundary >= band.get(t + 1).region().right()) continue;
                    List<Assignment> as = new ArrayList<>();
                    for (int i = 0; i < bands.size(); i++) {
                        for (int j = 0; j < bands.get(i).size(); j++) {
                            Assignment a = bands.get(i).get(j);
                            Region r = a.region();
                            if (i == b && j == t) r = new Region(r.top(), r.bottom(), r.left(), boundary);
                            if (i == b && j == t + 1) r = new Region(r.top(), r.bottom(), boundary, r.right());
                            as.add(new Assignment(a.device(), r));
                        }
                    }
                    out.add(new StagePlan(sp.stage(), as));
                }
            }
        }
        return out;
    }
}
