package io.edgefuse.allocator.planner;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.model.plan.Assignment;
import io.edgefuse.model.plan.StagePlan;
import io.edgefuse.model.region.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * Pipelines a node's share of a stage: its region is cut into a few row pieces sent as separate tasks,
 * so the node computes the first piece while the next one is still on its link and sends the first
 * result back while it computes the rest. With one task per node, download, compute and upload run one
 * after another; on thin links that serial transfer is a large part of a stage. Each extra piece costs
 * halo recomputation and a task overhead, so the split is kept only where the cost model says it pays.
 * Pieces are thin first and last: a small first piece starts the compute early, a small last piece
 * leaves little to upload after the compute ends.
 */
final class SubTiling {
    private SubTiling() {}

    /** Relative heights of the pieces tried; index 0 is "no split". */
    static final double[][] SPLITS = {
        {1}, {1, 1}, {1, 2}, {2, 1}, {1, 2, 1}, {1, 3, 1}, {1, 1, 1}, {1, 2, 2, 1},
    };

    /** The layout with its best split (possibly none). */
    static StageOptions.Costed pipeline(CostModel cost, Cluster c, StageOptions.Costed layout) {
        return with(cost, c, layout, best(cost, c, layout));
    }

    /** Index into {@link #SPLITS} of the split that makes {@code layout} finish first. */
    static int best(CostModel cost, Cluster c, StageOptions.Costed layout) {
        int best = 0;
        double makespan = layout.makespan();
        if (!splittable(layout.plan())) return best;
        for (int i = 1; i < SPLITS.length; i++) {
            StagePlan sp = split(layout.plan(), SPLITS[i]);
            if (sp == null) continue;
            double m = StageOptions.evaluate(cost, c, sp).makespan();
            if (m < makespan - 1e-12) {
                makespan = m;
                best = i;
            }
        }
        return best;
    }

    /** The better of {@code layout} as it is and split by {@code SPLITS[index]}. */
    static StageOptions.Costed with(CostModel cost, Cluster c, StageOptions.Costed layout, int index) {
        if (index == 0 || !splittable(layout.plan())) return layout;
        StagePlan sp = split(layout.plan(), SPLITS[index]);
        if (sp == null) return layout;
        StageOptions.Costed k = StageOptions.evaluate(cost, c, sp);
        return k.makespan() < layout.makespan() - 1e-12 ? k : layout;
    }

    private static boolean splittable(StagePlan sp) {
        return sp.assignments().stream().noneMatch(a -> a.region() == null);
    }

    /** Every node's tile split the same way; a node whose tile is too thin keeps it whole. Null: nothing split. */
    static StagePlan split(StagePlan sp, double[] weights) {
        List<Assignment> out = new ArrayList<>();
        boolean changed = false;
        for (Assignment a : sp.assignments()) {
            List<Region> pieces = rows(a.region(), weights);
            changed |= pieces.size() > 1;
            for (Region r : pieces) out.add(new Assignment(a.device(), r));
        }
        return changed ? new StagePlan(sp.stage(), out) : null;
    }

    /** Row pieces of a region with heights in proportion to weights; the region itself when too thin. */
    static List<Region> rows(Region r, double[] weights) {
        int h = r.height();
        if (h < weights.length || weights.length < 2) return List.of(r);
        double total = 0;
        for (double w : weights) total += w;
        List<Region> pieces = new ArrayList<>();
        int top = r.top();
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            int bottom = i == weights.length - 1 ? r.bottom() : r.top() + (int) Math.round(h * acc / total);
            bottom = Math.max(bottom, top + 1);
            bottom = Math.min(bottom, r.bottom() - (weights.length - 1 - i));
            pieces.add(new Region(top, bottom, r.left(), r.right()));
            top = bottom;
        }
        return pieces;
    }
}
