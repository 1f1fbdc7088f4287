package io.edgefuse.model.exec;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's micro-benchmark, run through its own executor. For each op class it times a chain of one
 * layer and a chain of {@value #CHAIN} identical layers; the difference is what the extra layers cost,
 * free of the per-run overhead (session call, copying the input and output), so it gives the class's
 * sustained GFLOP/s inside a fused block. The one-layer run minus one layer's share is the fixed cost
 * of a task. Takes a few seconds with the tf executor. Nodes report the result in status and heartbeats.
 */
public final class CapacityProbe {
    static final int CHAIN = 6;
    private static final int WARMUP = 2, RUNS = 7;

    /** Op classes by the names used on the wire and by the planner: conv, depthwise, pool, dense, elementwise. */
    public record Capacity(Map<String, Double> gflops, double layerOverheadMs, double taskOverheadMs) {
        public Capacity {
            gflops = Map.copyOf(gflops);
        }
    }

    private CapacityProbe() {}

    public static Capacity measure(Executor ex) {
        Map<String, Double> g = new LinkedHashMap<>();
        double[] fixed = new double[1];
        g.put("conv", rate(ex, n -> chain(new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 64, 1, true), n, 56, 56, 64), fixed));
        g.put("depthwise", rate(ex, n -> chain(new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 96, 96, true), n, 112, 112, 96), null));
        g.put("pool", rate(ex, n -> chain(new Op.MaxPool(3, 3, 1, 1, Padding.SAME), n, 56, 56, 128), null));
        g.put("elementwise", rate(ex, n -> chain(new Op.LeakyRelu(0.1), n, 56, 56, 128), null));
        g.put("dense", rate(ex, n -> denseChain(n, 3072), null));
        return new Capacity(g, 0.0, Math.max(0.0, fixed[0] * 1000));
    }

    /** GFLOP/s of the extra layers; optionally the fixed seconds of a one-layer run beyond its layer. */
    private static double rate(Executor ex, java.util.function.IntFunction<Model> build, double[] fixed) {
        Model one = build.apply(1), many = build.apply(CHAIN);
        double t1 = fastestSeconds(ex, one), tn = fastestSeconds(ex, many);
        double perLayer = Math.max((tn - t1) / (CHAIN - 1), 1e-7);
        double flopsPerLayer = one.totalCost().flops();
        if (fixed != null) fixed[0] = t1 - perLayer;
        return flopsPerLayer / (perLayer * 1e9);
    }

    public static double fastestSeconds(Executor ex, Model m) {
        Tensor in = Tensor.random(7, -1, 1, m.input().shape().dims());
        for (int i = 0; i < WARMUP; i++) ex.runWhole(m, in);
        double[] t = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            ex.runWhole(m, in);
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        // The fastest run: other work on the machine only ever adds time, so the minimum is the least disturbed.
        Arrays.sort(t);
        return t[0];
    }

    private static Model chain(Op op, int n, int h, int w, int c) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        String x = "input";
        for (int i = 0; i < n; i++) {
            String name = "l" + i;
            nodes.add(Node.of(name, op, x));
            if (op instanceof Op.Conv2D conv) {
                weights.put(name + ".weight", Tensor.random(i + 1, -0.05f, 0.05f, conv.kh(), conv.kw(), c / conv.groups(), conv.filters()));
                weights.put(name + ".bias", Tensor.zeros(conv.filters()));
            } else if (op instanceof Op.BatchNorm) {
                weights.put(name + ".gamma", Tensor.random(i + 1, 0.9f, 1.1f, c));
                weights.put(name + ".beta", Tensor.random(i + 2, -0.1f, 0.1f, c));
                weights.put(name + ".mean", Tensor.random(i + 3, -0.1f, 0.1f, c));
                weights.put(name + ".variance", Tensor.random(i + 4, 0.9f, 1.1f, c));
            }
            x = name;
        }
        return new Model("probe-" + op.name() + "-" + n, InputSpec.of(h, w, c), List.of(), nodes, x, weights);
    }

    private static Model denseChain(int n, int width) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        nodes.add(Node.of("f", new Op.Flatten(), "input"));
        String x = "f";
        for (int i = 0; i < n; i++) {
            String name = "d" + i;
            nodes.add(Node.of(name, new Op.Dense(width, true), x));
            weights.put(name + ".weight", Tensor.random(i + 1, -0.05f, 0.05f, width, width));
            weights.put(name + ".bias", Tensor.zeros(width));
            x = name;
        }
        return new Model("probe-dense-" + n, InputSpec.of(1, 1, width), List.of(), nodes, x, weights);
    }
}
