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
 * A node's micro-benchmark: one small layer per op class, run through the node's own executor, gives
 * its sustained GFLOP/s per class; a chain of tiny layers gives the fixed cost per layer. Takes about a
 * second with the tf executor. The result is what the node reports in its status and heartbeats.
 */
public final class CapacityProbe {
    /** Op classes by the names used on the wire and by the planner: conv, depthwise, pool, dense, elementwise. */
    public record Capacity(Map<String, Double> gflops, double layerOverheadMs) {
        public Capacity {
            gflops = Map.copyOf(gflops);
        }
    }

    private static final int WARMUP = 2, RUNS = 5;

    private CapacityProbe() {}

    public static Capacity measure(Executor ex) {
        Map<String, Double> g = new LinkedHashMap<>();
        g.put("conv", gflops(ex, single(new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 64, 1, true), 56, 56, 64)));
        g.put("depthwise", gflops(ex, single(new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 144, 144, true), 56, 56, 144)));
        g.put("pool", gflops(ex, single(new Op.MaxPool(3, 3, 1, 1, Padding.SAME), 56, 56, 128)));
        g.put("elementwise", gflops(ex, single(new Op.Relu(), 56, 56, 256)));
        g.put("dense", gflops(ex, dense(2048, 1000)));
        return new Capacity(g, layerOverheadMs(ex));
    }

    private static double gflops(Executor ex, Model m) {
        double flops = m.totalCost().flops();
        return flops / (medianSeconds(ex, m) * 1e9);
    }

    /** Per-layer cost beyond the arithmetic: a chain of 32 tiny ReLUs timed against one. */
    private static double layerOverheadMs(Executor ex) {
        List<Node> nodes = new ArrayList<>();
        String x = "input";
        for (int i = 0; i < 32; i++) {
            nodes.add(Node.of("r" + i, new Op.Relu(), x));
            x = "r" + i;
        }
        Model chain = new Model("probe-chain", InputSpec.of(4, 4, 4), List.of(), nodes, x, Map.of());
        Model one = new Model("probe-one", InputSpec.of(4, 4, 4), List.of(), nodes.subList(0, 1), "r0", Map.of());
        double per = (medianSeconds(ex, chain) - medianSeconds(ex, one)) / 31;
        return Math.max(0.0, per * 1000);
    }

    public static double medianSeconds(Executor ex, Model m) {
        Tensor in = Tensor.random(7, -1, 1, m.input().shape().dims());
        for (int i = 0; i < WARMUP; i++) ex.runWhole(m, in);
        double[] t = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            ex.runWhole(m, in);
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return t[RUNS / 2];
    }

    private static Model single(Op op, int h, int w, int c) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        if (op instanceof Op.Conv2D conv) {
            weights.put("l.weight", Tensor.random(1, -0.1f, 0.1f, conv.kh(), conv.kw(), c / conv.groups(), conv.filters()));
            weights.put("l.bias", Tensor.zeros(conv.filters()));
        }
        return new Model("probe-" + op.name(), InputSpec.of(h, w, c), List.of(), List.of(Node.of("l", op, "input")), "l", weights);
    }

    private static Model dense(int in, int units) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("d.weight", Tensor.random(2, -0.1f, 0.1f, in, units));
        weights.put("d.bias", Tensor.zeros(units));
        List<Node> nodes = List.of(Node.of("f", new Op.Flatten(), "input"), Node.of("d", new Op.Dense(units, true), "f"));
        return new Model("probe-dense", InputSpec.of(1, 1, in), List.of(), nodes, "d", weights);
    }
}
