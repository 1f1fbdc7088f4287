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

    /**
     * A short probe for a device whose other op classes scale like a reference's (the same engine on a
     * faster CPU of the same kind, e.g. an emulated node under a CPU quota): times the conv chains only,
     * the MEDIAN of three runs each (a CPU quota throttles in bursts, so the fastest run would be a lucky
     * one), and scales every class of {@code reference} by the measured/reference conv ratio. The task
     * overhead is this device's own. A few seconds even at a few percent of a core.
     */
    public static Capacity relativeTo(Executor ex, Capacity reference) {
        Double refConv = reference.gflops().get("conv");
        if (refConv == null || !(refConv > 0)) throw new IllegalArgumentException("reference capacity lacks a positive conv rate");
        Model one = chain(new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 64, 1, true), 1, 56, 56, 64);
        Model many = chain(new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 64, 1, true), CHAIN, 56, 56, 64);
        double t1 = medianSeconds(ex, one, 1, 3), tn = medianSeconds(ex, many, 1, 3);
        double perLayer = Math.max((tn - t1) / (CHAIN - 1), 1e-7);
        double conv = one.totalCost().flops() / (perLayer * 1e9);
        double f = conv / refConv;
        Map<String, Double> g = new LinkedHashMap<>();
        reference.gflops().forEach((k, v) -> g.put(k, v * f));
        g.put("conv", conv);
        return new Capacity(g, reference.layerOverheadMs() / f, Math.max(0.0, (t1 - perLayer) * 1000));
    }

    /**
     * As {@link #relativeTo(Executor, Capacity)}, with the conv rate measured on the convolutions of
     * {@code model}, the one the node serves: each of its (ungrouped) conv layers run whole, the median of
     * three passes over all of them. Rates differ several-fold between layer shapes (on this project's
     * host one core ran VGG-16's convs at 1.2 to 46 GFLOP/s, 27 overall, while the synthetic 56x56x64
     * chain ran at 99), so a planner fed the synthetic rate predicts half the real time. The other classes
     * scale by the same measured/reference ratio. Without a conv layer in the model this is the plain
     * {@link #relativeTo(Executor, Capacity)}. Under a Pi-sized quota VGG-16's pass takes a few seconds.
     */
    public static Capacity relativeTo(Executor ex, Capacity reference, Model model) {
        Capacity synthetic = relativeTo(ex, reference);
        if (model == null) return synthetic;
        List<Integer> convs = new ArrayList<>();
        double flops = 0;
        for (int i = 0; i < model.size(); i++) {
            if (model.node(i).op() instanceof Op.Conv2D c && c.groups() == 1 && model.shapeOf(model.node(i).input()).isMap()) {
                convs.add(i);
                flops += model.cost(i).flops();
            }
        }
        if (convs.isEmpty()) return synthetic;
        List<Tensor> inputs = new ArrayList<>();
        for (int i : convs) inputs.add(Tensor.random(7, -1, 1, model.shapeOf(model.node(i).input()).dims()));
        double[] t = new double[4];
        for (int run = 0; run < t.length; run++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < convs.size(); k++) {
                io.edgefuse.model.plan.Stage s = io.edgefuse.model.plan.Stage.of(model, convs.get(k), convs.get(k));
                ex.run(model, s, io.edgefuse.model.region.RegionTensor.whole(inputs.get(k)), null);
            }
            t[run] = (System.nanoTime() - t0) / 1e9;
        }
        // The first pass builds the layers' graphs; the median of the other three is the rate.
        double[] timed = Arrays.copyOfRange(t, 1, t.length);
        Arrays.sort(timed);
        double conv = flops / (timed[1] * 1e9);
        double f = conv / synthetic.gflops().get("conv");
        Map<String, Double> g = new LinkedHashMap<>();
        synthetic.gflops().forEach((k, v) -> g.put(k, v * f));
        g.put("conv", conv);
        return new Capacity(g, synthetic.layerOverheadMs() / f, synthetic.taskOverheadMs());
    }

    static double medianSeconds(Executor ex, Model m, int warmup, int runs) {
        Tensor in = Tensor.random(7, -1, 1, m.input().shape().dims());
        for (int i = 0; i < warmup; i++) ex.runWhole(m, in);
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            ex.runWhole(m, in);
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return t[runs / 2];
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
