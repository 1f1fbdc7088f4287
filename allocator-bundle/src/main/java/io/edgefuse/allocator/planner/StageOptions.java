package io.edgefuse.allocator.planner;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.allocator.cost.StageCost;
import io.edgefuse.allocator.cost.TileCost;
import io.edgefuse.model.Shape;
import io.edgefuse.model.plan.Assignment;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.plan.StagePlan;
import io.edgefuse.model.plan.Tiling;
import io.edgefuse.model.region.Region;
import java.util.ArrayList;
import java.util.List;

/** Ways to lay out one stage over nodes, each costed with the cost model. Shared by the planners. */
final class StageOptions {
    private StageOptions() {}

    record Costed(StagePlan plan, double makespan) {}

    /** The whole stage on the one node that finishes it first (transfers included). */
    static Costed bestSingle(CostModel cost, Cluster c, Stage s) {
        Costed best = null;
        for (ClusterNode n : c.nodes()) {
            StagePlan sp = new StagePlan(s, List.of(new Assignment(n.name(), null)));
            Costed k = evaluate(cost, c, sp);
            if (best == null || k.makespan < best.makespan) best = k;
        }
        return best;
    }

    /** Row stripes, heights proportional to weights, one per node (top to bottom in the given order). */
    static StagePlan stripes(Stage s, Shape out, List<ClusterNode> nodes, double[] weights) {
        int k = Math.min(nodes.size(), out.h());
        List<Region> tiles = Tiling.stripes(out.h(), out.w(), java.util.Arrays.copyOf(weights, k));
        List<Assignment> as = new ArrayList<>();
        for (int i = 0; i < k; i++) as.add(new Assignment(nodes.get(i).name(), tiles.get(i)));
        return new StagePlan(s, as);
    }

    static StagePlan stripesOfRows(Stage s, Shape out, List<ClusterNode> nodes, int[] rows) {
        List<Assignment> as = new ArrayList<>();
        int top = 0;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == 0) continue;
            as.add(new Assignment(nodes.get(i).name(), new Region(top, top + rows[i], 0, out.w())));
            top += rows[i];
        }
        return new StagePlan(s, as);
    }

    /** An equal grid of a x b tiles (DeepThings' FTP); null when the map is smaller than the grid. */
    static StagePlan equalGrid(Stage s, Shape out, List<ClusterNode> nodes) {
        int n = nodes.size();
        int a = (int) Math.floor(Math.sqrt(n));
        while (n % a != 0) a--;
        int b = n / a;
        if (a > out.h() || b > out.w()) return null;
        int[] cols = new int[a];
        java.util.Arrays.fill(cols, b);
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0);
        List<Region> tiles = Tiling.grid(out.h(), out.w(), cols, w);
        List<Assignment> as = new ArrayList<>();
        for (int i = 0; i < n; i++) as.add(new Assignment(nodes.get(i).name(), tiles.get(i)));
        return new StagePlan(s, as);
    }

    /** Bands of columns with sizes proportional to weights; null when it does not fit. */
    static StagePlan weightedGrid(Stage s, Shape out, List<ClusterNode> nodes, double[] weights, int bands) {
        int n = nodes.size();
        if (bands < 2 || bands > out.h() || n <= bands) return null;
        int[] cols = new int[bands];
        for (int b = 0; b < bands; b++) cols[b] = n / bands + (b < n % bands ? 1 : 0);
        for (int c : cols) if (c > out.w()) return null;
        List<Region> tiles = Tiling.grid(out.h(), out.w(), cols, weights);
        List<Assignment> as = new ArrayList<>();
        for (int i = 0; i < n; i++) as.add(new Assignment(nodes.get(i).name(), tiles.get(i)));
        return new StagePlan(s, as);
    }

    static Costed evaluate(CostModel cost, Cluster c, StagePlan sp) {
        StageCost sc = cost.stage(sp, c);
        double makespan = sc.makespan();
        for (TileCost t : sc.tiles()) {
            if (!fitsMemory(cost, sp.stage(), t, c.node(t.node()))) makespan = Double.POSITIVE_INFINITY;
        }
        return new Costed(sp, makespan);
    }

    /** A node keeps the stage's weights and the tile's input, output and largest intermediate in memory. */
    static boolean fitsMemory(CostModel cost, Stage s, TileCost t, ClusterNode n) {
        long weights = 0;
        for (int i = s.first(); i <= s.last(); i++) weights += 4L * cost.model().cost(i).params();
        long need = weights + 3 * Math.max(t.inBytes(), t.outBytes());
        return need <= n.device().memoryBytes();
    }
}
