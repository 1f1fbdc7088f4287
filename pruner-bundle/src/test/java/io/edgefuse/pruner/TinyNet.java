package io.edgefuse.pruner;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.Shape;
import io.edgefuse.model.Window;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Builds small test models by hand: explicit weights where a test computes by hand, seeded ones elsewhere. */
final class TinyNet {
    private final InputSpec in;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Tensor> weights = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private final SplittableRandom rnd;
    private int counter;

    TinyNet(int h, int w, int c, long seed) {
        this(InputSpec.of(h, w, c), seed);
    }

    TinyNet(InputSpec spec, long seed) {
        in = spec;
        shapes.put(in.name(), in.shape());
        rnd = new SplittableRandom(seed);
    }

    String conv(String x, int kh, int kw, int stride, Padding p, int filters, int groups, float[] w, float[] b) {
        Shape s = shapes.get(x);
        String name = "conv" + counter++;
        Op.Conv2D op = new Op.Conv2D(kh, kw, stride, stride, p, filters, groups, b != null);
        nodes.add(Node.of(name, op, x));
        int cpg = s.c() / groups;
        weights.put(name + ".weight", new Tensor(new int[] {kh, kw, cpg, filters}, w != null ? w : random(kh * kw * cpg * filters, kh * kw * cpg)));
        if (b != null) weights.put(name + ".bias", new Tensor(new int[] {filters}, b));
        Window win = Window.of(kh, kw, stride, stride, p.resolve(s.h(), s.w(), kh, kw, stride, stride));
        shapes.put(name, Shape.map(win.outH(s.h()), win.outW(s.w()), filters));
        return name;
    }

    /** Seeded weights, no bias. */
    String conv(String x, int k, Padding p, int filters) {
        return conv(x, k, k, 1, p, filters, 1, null, null);
    }

    String dense(String x, int units, float[] w, float[] b) {
        String name = "dense" + counter++;
        int n = shapes.get(x).c();
        nodes.add(Node.of(name, new Op.Dense(units, b != null), x));
        weights.put(name + ".weight", new Tensor(new int[] {n, units}, w != null ? w : random(n * units, n)));
        if (b != null) weights.put(name + ".bias", new Tensor(new int[] {units}, b));
        shapes.put(name, Shape.vector(units));
        return name;
    }

    String batchNorm(String x) {
        int c = shapes.get(x).c();
        String name = op(new Op.BatchNorm(1e-3), shapes.get(x), x);
        weights.put(name + ".gamma", uniform(c, 0.5, 1.5));
        weights.put(name + ".beta", uniform(c, -0.2, 0.2));
        weights.put(name + ".mean", uniform(c, -0.2, 0.2));
        weights.put(name + ".variance", uniform(c, 0.5, 1.5));
        return name;
    }

    String batchNorm(String x, float[] gamma, float[] beta, float[] mean, float[] variance) {
        String name = op(new Op.BatchNorm(1e-3), shapes.get(x), x);
        int c = gamma.length;
        weights.put(name + ".gamma", new Tensor(new int[] {c}, gamma));
        weights.put(name + ".beta", new Tensor(new int[] {c}, beta));
        weights.put(name + ".mean", new Tensor(new int[] {c}, mean));
        weights.put(name + ".variance", new Tensor(new int[] {c}, variance));
        return name;
    }

    String relu(String x) {
        return op(new Op.Relu(), shapes.get(x), x);
    }

    String pool(boolean max, String x, int k, int stride, Padding p) {
        Shape s = shapes.get(x);
        Window w = Window.of(k, k, stride, stride, p.resolve(s.h(), s.w(), k, k, stride, stride));
        Op op = max ? new Op.MaxPool(k, k, stride, stride, p) : new Op.AvgPool(k, k, stride, stride, p);
        return op(op, Shape.map(w.outH(s.h()), w.outW(s.w()), s.c()), x);
    }

    String globalAvgPool(String x) {
        return op(new Op.GlobalAvgPool(), Shape.vector(shapes.get(x).c()), x);
    }

    String flatten(String x) {
        return op(new Op.Flatten(), Shape.vector((int) shapes.get(x).size()), x);
    }

    String add(String... xs) {
        return op(new Op.Add(), shapes.get(xs[0]), xs);
    }

    String concat(String... xs) {
        Shape s = shapes.get(xs[0]);
        int c = 0;
        for (String x : xs) c += shapes.get(x).c();
        return op(new Op.Concat(), Shape.map(s.h(), s.w(), c), xs);
    }

    String reorg(String x) {
        Shape s = shapes.get(x);
        return op(new Op.Reorg(2), Shape.map(s.h() / 2, s.w() / 2, s.c() * 4), x);
    }

    String softmax(String x) {
        return op(new Op.Softmax(), shapes.get(x), x);
    }

    Model build() {
        return new Model("tiny", in, List.of(), nodes, null, weights);
    }

    /** An input inside the zB bounds of unit preprocessing: uniform in [0, 1). */
    static Tensor unitInput(Model m, long seed) {
        return Tensor.random(seed, 0f, 1f, m.input().shape().dims());
    }

    private String op(Op op, Shape out, String... xs) {
        String name = op.name() + counter++;
        nodes.add(Node.of(name, op, xs));
        shapes.put(name, out);
        return name;
    }

    private float[] random(int n, int fanIn) {
        double b = Math.sqrt(3.0 / fanIn);
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = (float) (rnd.nextDouble(-b, b));
        return v;
    }

    private Tensor uniform(int n, double lo, double hi) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = (float) rnd.nextDouble(lo, hi);
        return new Tensor(new int[] {n}, v);
    }
}
