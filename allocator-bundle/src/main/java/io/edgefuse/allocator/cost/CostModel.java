package io.edgefuse.allocator.cost;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cluster.OpClass;
import io.edgefuse.model.Model;
import io.edgefuse.model.Shape;
import io.edgefuse.model.plan.Assignment;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.plan.StagePlan;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.StageGeometry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Predicts how long a plan takes on a cluster. A tile's compute time is the FLOPs of every node region it
 * must produce (halo recomputation included) over the node's rate for that op class, plus a fixed cost
 * per layer and per task. Its input (with halo) travels coordinator -> broker -> node and its output
 * back; the coordinator sits beside the broker, so each message crosses the node's link once per
 * direction, and the node's message path (DeviceProfile#messageSeconds) on the node's side. A node's
 * messages queue on its link and message path; its tiles run one after another. Stages are
 * synchronous: the next stage starts when every tile of this one is back.
 */
public final class CostModel {
    /** Bytes of a task or result frame besides the tensor (length prefix + JSON header). */
    public static final int FRAME_OVERHEAD_BYTES = 300;

    private final Model model;
    private final double[] flopsPerPosition;
    private final OpClass[] classes;

    public CostModel(Model model) {
        this.model = model;
        int n = model.size();
        flopsPerPosition = new double[n];
        classes = new OpClass[n];
        for (int i = 0; i < n; i++) {
            Shape s = model.shape(i);
            double f = model.cost(i).flops();
            flopsPerPosition[i] = s.isMap() ? f / ((double) s.h() * s.w()) : f;
            classes[i] = OpClass.of(model.node(i).op());
        }
    }

    public Model model() {
        return model;
    }

    /** Cost of computing {@code region} of a stage's output on {@code node} (region null: whole). */
    public TileCost tile(Stage s, Region region, ClusterNode node) {
        TileWork w = work(s, region);
        double seconds = node.device().taskOverheadMs() / 1000.0 + w.layers() * node.device().layerOverheadMs() / 1000.0;
        for (OpClass c : OpClass.values()) {
            double f = w.flopsByClass()[c.ordinal()];
            if (f > 0) seconds += node.device().seconds(c, f);
        }
        return new TileCost(node.name(), w.flops(), seconds, w.inBytes() + FRAME_OVERHEAD_BYTES, w.outBytes() + FRAME_OVERHEAD_BYTES);
    }

    /** What a tile asks of any device: FLOPs per op class, layers run, bytes in and out. */
    private record TileWork(double[] flopsByClass, double flops, int layers, long inBytes, long outBytes) {}

    private record WorkKey(int first, int last, Region region) {}

    /*
     * Planners cost the same tiles many times over (local search moves one boundary at a time, and every
     * device is tried on every tile); the region walk-back is the expensive part and does not depend on
     * the device, so it is remembered per (stage, region).
     */
    private static final int WORK_CACHE_ENTRIES = 500_000;
    private final Map<WorkKey, TileWork> works = new java.util.concurrent.ConcurrentHashMap<>();

    private TileWork work(Stage s, Region region) {
        WorkKey key = new WorkKey(s.first(), s.last(), s.tileable() ? region : null);
        TileWork w = works.get(key);
        if (w == null) {
            // Dropping everything when full is crude but cheap; a planning run refills what it needs.
            if (works.size() >= WORK_CACHE_ENTRIES) works.clear();
            w = computeWork(s, region);
            works.put(key, w);
        }
        return w;
    }

    private TileWork computeWork(Stage s, Region region) {
        double[] byClass = new double[OpClass.values().length];
        double flops = 0;
        int layers = 0;
        long inBytes, outBytes;
        if (s.tileable()) {
            StageGeometry g = StageGeometry.of(model, s, region);
            for (int i = s.first(); i <= s.last(); i++) {
                Region r = g.regionOf(i);
                if (r == null) continue;
                double f = flopsPerPosition[i] * r.area();
                flops += f;
                byClass[classes[i].ordinal()] += f;
                layers++;
            }
            inBytes = 4L * g.inputRegion().area() * model.shapeOf(s.input()).c();
            outBytes = 4L * g.outputRegion().area() * model.shape(s.last()).c();
        } else {
            for (int i = s.first(); i <= s.last(); i++) {
                double f = flopsPerPosition[i] * (model.shape(i).isMap() ? (double) model.shape(i).h() * model.shape(i).w() : 1);
                flops += f;
                byClass[classes[i].ordinal()] += f;
                layers++;
            }
            inBytes = 4L * model.shapeOf(s.input()).size();
            outBytes = 4L * model.shape(s.last()).size();
        }
        return new TileWork(byClass, flops, layers, inBytes, outBytes);
    }

    public StageCost stage(StagePlan sp, Cluster c) {
        List<TileCost> tiles = new ArrayList<>();
        for (Assignment a : sp.assignments()) tiles.add(tile(sp.stage(), a.region(), c.node(a.device())));
        return schedule(tiles, c);
    }

    /**
     * Schedules tiles: per node, inputs queue on its downlink and then its message path, compute runs in
     * order, results queue on its message path and then its uplink ({@link NodeTimeline}).
     */
    public static StageCost schedule(List<TileCost> tiles, Cluster c) {
        Map<String, NodeTimeline> state = new LinkedHashMap<>();
        double makespan = 0;
        for (TileCost t : tiles) {
            ClusterNode n = c.node(t.node());
            NodeTimeline tl = state.computeIfAbsent(t.node(), k -> new NodeTimeline());
            double back = tl.add(n.link().seconds(t.inBytes()), n.device().messageSeconds(t.inBytes()), t.computeSeconds(),
                    n.device().messageSeconds(t.outBytes()), n.link().seconds(t.outBytes()));
            makespan = Math.max(makespan, back);
        }
        Map<String, Double> finish = new LinkedHashMap<>(), busy = new LinkedHashMap<>();
        state.forEach((k, v) -> {
            finish.put(k, v.finish());
            busy.put(k, v.busy());
        });
        return new StageCost(tiles, finish, busy, makespan);
    }

    /** One tile alone on a node, from sending its input to its result being back: link and message path both ways, and compute. */
    public static double aloneSeconds(TileCost t, ClusterNode n) {
        return n.link().seconds(t.inBytes()) + n.device().messageSeconds(t.inBytes()) + t.computeSeconds()
                + n.device().messageSeconds(t.outBytes()) + n.link().seconds(t.outBytes());
    }

    public PlanCost plan(Plan p, Cluster c) {
        List<StageCost> stages = new ArrayList<>();
        double latency = 0, busy = 0, flops = 0;
        long bytes = 0;
        for (StagePlan sp : p.stages()) {
            StageCost sc = stage(sp, c);
            stages.add(sc);
            latency += sc.makespan();
            bytes += sc.bytes();
            flops += sc.flops();
            for (double b : sc.busy().values()) busy += b;
        }
        double idle = latency > 0 ? 1 - busy / (c.size() * latency) : 0;
        return new PlanCost(stages, latency, idle, bytes, flops);
    }

    /**
     * The bound no plan can beat: all work spread over all nodes' combined rate per op class, with free
     * communication and no overheads.
     */
    public double lowerBoundSeconds(Cluster c) {
        double t = 0;
        for (int i = 0; i < model.size(); i++) {
            double rate = 0;
            for (ClusterNode n : c.nodes()) rate += n.device().gflops(classes[i]) * 1e9;
            t += model.cost(i).flops() / rate;
        }
        return t;
    }
}
