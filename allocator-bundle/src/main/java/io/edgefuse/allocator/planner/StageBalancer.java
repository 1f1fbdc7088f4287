package io.edgefuse.allocator.planner;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.allocator.cost.StageCost;
import io.edgefuse.allocator.cost.TileCost;
import io.edgefuse.model.Shape;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.plan.StagePlan;
import io.edgefuse.model.region.Region;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * EdgeFuse's per-stage layout: which nodes take part, stripes or grid, and tile sizes such that every
 * node's results are back at the same time. Each node's time for r rows (input with halo over its link,
 * compute, output back) is close to linear, t_i(r) = a_i + b_i r; equal finish times then give
 * r_i = (T - a_i) / b_i with T = (H + sum a_i/b_i) / sum 1/b_i. Nodes whose fixed cost a_i exceeds T
 * would only slow the stage down and are left out. Integer rounding and the linear approximation are
 * then corrected against the exact cost model by moving rows from the last node to finish to the first.
 */
final class StageBalancer {
    private static final int REFINE_STEPS = 12;
    private static final int GRID_STEPS = 12;

    private final CostModel cost;
    private final Cluster cluster;

    StageBalancer(CostModel cost, Cluster cluster) {
        this.cost = cost;
        this.cluster = cluster;
    }

    record Line(ClusterNode node, double a, double b) {}

    StageOptions.Costed best(Stage s) {
        StageOptions.Costed best = StageOptions.bestSingle(cost, cluster, s);
        if (!s.tileable() || cluster.size() == 1) return best;
        Shape out = cost.model().shape(s.last());
        if (out.h() < 2) return best;
        // The baselines' layouts are candidates too, so the DP can never do worse than they do.
        for (StagePlan baseline : baselineLayouts(s, out)) {
            StageOptions.Costed c = StageOptions.evaluate(cost, cluster, baseline);
            if (c.makespan() < best.makespan()) best = c;
        }
        List<Line> lines = lines(s, out);
        for (int k = 2; k <= Math.min(lines.size(), out.h()); k++) {
            List<Line> chosen = lines.subList(0, k);
            int[] rows = waterFill(chosen, out.h());
            if (rows == null) continue;
            StageOptions.Costed c = BoundarySearch.refine(cost, cluster, refine(s, out, chosen, rows), GRID_STEPS);
            if (c.makespan() < best.makespan()) best = c;
            List<ClusterNode> nodes = new ArrayList<>();
            double[] w = new double[k];
            for (int i = 0; i < k; i++) {
                nodes.add(chosen.get(i).node());
                w[i] = 1.0 / chosen.get(i).b();
            }
            for (int bands = 2; bands <= Math.min(4, k - 1); bands++) {
              {
                StagePlan g = StageOptions.weightedGrid(s, out, nodes, w, bands);
                if (g == null) continue;
                StageOptions.Costed gc = BoundarySearch.refine(cost, cluster, StageOptions.evaluate(cost, cluster, g), GRID_STEPS);
                if (gc.makespan() < best.makespan()) best = gc;
              }
            }
        }
        return SubTiling.pipeline(cost, cluster, best);
    }

    private List<StagePlan> baselineLayouts(Stage s, Shape out) {
        List<StagePlan> l = new ArrayList<>();
        List<ClusterNode> nodes = cluster.byConvSpeed();
        double[] w = new double[nodes.size()];
        for (int i = 0; i < w.length; i++) w[i] = nodes.get(i).device().gflops(io.edgefuse.allocator.cluster.OpClass.CONV);
        l.add(StageOptions.stripes(s, out, nodes, w));
        StagePlan grid = StageOptions.equalGrid(s, out, cluster.nodes());
        if (grid != null) l.add(grid);
        return l;
    }

    /** Linear time model per node from two exact evaluations, fastest per row first. */
    private List<Line> lines(Stage s, Shape out) {
        List<Line> lines = new ArrayList<>();
        int h = out.h(), mid = h / 2;
        int small = Math.max(1, h / (2 * cluster.size()));
        for (ClusterNode n : cluster.nodes()) {
            double t1 = time(s, new Region(mid, Math.min(h, mid + small), 0, out.w()), n);
            double tH = time(s, new Region(0, h, 0, out.w()), n);
            int r1 = Math.min(h, mid + small) - mid;
            double b = Math.max((tH - t1) / Math.max(1, h - r1), 1e-9);
            double a = Math.max(0, t1 - b * r1);
            if (Double.isFinite(t1) && Double.isFinite(tH)) lines.add(new Line(n, a, b));
        }
        lines.sort(Comparator.comparingDouble((Line l) -> l.b() + l.a() / h));
        return lines;
    }

    private double time(Stage s, Region r, ClusterNode n) {
        TileCost t = cost.tile(s, r, n);
        if (!StageOptions.fitsMemory(cost, s, t, n)) return Double.POSITIVE_INFINITY;
        return CostModel.aloneSeconds(t, n);
    }

    /** Rows per node for equal predicted finish; null when some node would get less than one row. */
    static int[] waterFill(List<Line> lines, int h) {
        double inv = 0, ab = 0;
        for (Line l : lines) {
            inv += 1 / l.b();
            ab += l.a() / l.b();
        }
        double t = (h + ab) / inv;
        double[] exact = new double[lines.size()];
        for (int i = 0; i < exact.length; i++) {
            exact[i] = (t - lines.get(i).a()) / lines.get(i).b();
            if (exact[i] < 1) return null;
        }
        int[] rows = new int[exact.length];
        int used = 0;
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Math.max(1, (int) Math.floor(exact[i]));
            used += rows[i];
        }
        while (used < h) {
            int best = 0;
            for (int i = 1; i < rows.length; i++) if (exact[i] - rows[i] > exact[best] - rows[best]) best = i;
            rows[best]++;
            used++;
        }
        while (used > h) {
            int best = -1;
            for (int i = 0; i < rows.length; i++) if (rows[i] > 1 && (best < 0 || rows[i] - exact[i] > rows[best] - exact[best])) best = i;
            rows[best]--;
            used--;
        }
        return rows;
    }

    private StageOptions.Costed refine(Stage s, Shape out, List<Line> lines, int[] rows) {
        List<ClusterNode> nodes = new ArrayList<>();
        for (Line l : lines) nodes.add(l.node());
        StageOptions.Costed cur = StageOptions.evaluate(cost, cluster, StageOptions.stripesOfRows(s, out, nodes, rows));
        for (int step = 0; step < REFINE_STEPS; step++) {
            StageCost sc = cost.stage(cur.plan(), cluster);
            int slow = -1, fast = -1;
            for (int i = 0; i < nodes.size(); i++) {
                Double f = sc.finish().get(nodes.get(i).name());
                if (f == null) continue;
                if (rows[i] > 1 && (slow < 0 || f > sc.finish().get(nodes.get(slow).name()))) slow = i;
                if (fast < 0 || f < sc.finish().get(nodes.get(fast).name())) fast = i;
            }
            if (slow < 0 || fast < 0 || slow == fast) break;
            int[] next = rows.clone();
            next[slow]--;
            next[fast]++;
            StageOptions.Costed c = StageOptions.evaluate(cost, cluster, StageOptions.stripesOfRows(s, out, nodes, next));
            if (c.makespan() >= cur.makespan()) break;
            cur = c;
            rows = next;
        }
        return cur;
    }
}
