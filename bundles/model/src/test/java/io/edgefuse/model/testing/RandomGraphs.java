package io.edgefuse.model.testing;

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

/**
 * Small random CNNs for property tests: kernels 1-7, strides 1-3, asymmetric and "same" padding, max and
 * avg pools, residual adds, concat, depthwise convs, reorg, and sometimes a dense tail. Same seed, same
 * model.
 */
public final class RandomGraphs {
    private final SplittableRandom rnd;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Tensor> weights = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private int counter;

    private RandomGraphs(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    public static Model generate(long seed) {
        return new RandomGraphs(seed).build();
    }

    /** A random input for a model, uniform in [-1, 1). */
    public static Tensor input(Model m, long seed) {
        return Tensor.random(seed, -1f, 1f, m.input().shape().dims());
    }

    private Model build() {
        int h = 10 + rnd.nextInt(30), w = 10 + rnd.nextInt(30), c = 1 + rnd.nextInt(4);
        InputSpec in = InputSpec.of(h, w, c);
        shapes.put("input", in.shape());
        String x = "input";
        int steps = 3 + rnd.nextInt(6);
        for (int i = 0; i < steps; i++) {
            Shape s = shapes.get(x);
            x = switch (rnd.nextInt(9)) {
                case 0, 1 -> conv(x, s, false);
                case 2 -> depthwise(x, s);
                case 3 -> pool(x, s);
                case 4 -> residual(x, s);
                case 5 -> inception(x, s);
                case 6 -> s.h() % 2 == 0 && s.w() % 2 == 0 && s.c() <= 8 ? add(new Op.Reorg(2), x) : conv(x, s, true);
                case 7 -> add(new Op.BatchNorm(1e-3), x);
                default -> activation(x);
            };
        }
        if (rnd.nextBoolean()) {
            x = add(rnd.nextBoolean() ? new Op.GlobalAvgPool() : new Op.Flatten(), x);
            x = dense(x, 3 + rnd.nextInt(6));
            if (rnd.nextBoolean()) x = add(new Op.Softmax(), x);
        }
        return new Model("random", in, List.of(), nodes, x, weights);
    }

    private String conv(String x, Shape s, boolean pointwise) {
        for (int attempt = 0; attempt < 10; attempt++) {
            int kh = pointwise ? 1 : 1 + rnd.nextInt(7), kw = pointwise ? 1 : 1 + rnd.nextInt(7);
            int sh = 1 + rnd.nextInt(3), sw = 1 + rnd.nextInt(3);
            Padding p = randomPadding(kh, kw);
            if (fits(s, kh, kw, sh, sw, p)) {
                Op.Conv2D op = new Op.Conv2D(kh, kw, sh, sw, p, 2 + rnd.nextInt(7), 1, rnd.nextBoolean());
                return convNode(op, x, s);
            }
        }
        return activation(x);
    }

    private String depthwise(String x, Shape s) {
        int k = 1 + 2 * rnd.nextInt(3), st = 1 + rnd.nextInt(2);
        Padding p = rnd.nextBoolean() ? Padding.SAME : randomPadding(k, k);
        if (!fits(s, k, k, st, st, p)) return activation(x);
        int mult = 1 + rnd.nextInt(2);
        return convNode(new Op.Conv2D(k, k, st, st, p, s.c() * mult, s.c(), rnd.nextBoolean()), x, s);
    }

    private String pool(String x, Shape s) {
        int k = 2 + rnd.nextInt(2), st = 1 + rnd.nextInt(2);
        Padding p = Padding.explicit(rnd.nextInt(k), rnd.nextInt(k), rnd.nextInt(k), rnd.nextInt(k));
        if (!fits(s, k, k, st, st, p)) return x;
        return add(rnd.nextBoolean() ? new Op.MaxPool(k, k, st, st, p) : new Op.AvgPool(k, k, st, st, p), x);
    }

    private String residual(String x, Shape s) {
        int k = 1 + 2 * rnd.nextInt(3);
        String a = convNode(new Op.Conv2D(k, k, 1, 1, Padding.SAME, s.c(), 1, false), x, s);
        a = add(new Op.BatchNorm(1e-3), a);
        a = activation(a);
        a = convNode(new Op.Conv2D(3, 3, 1, 1, Padding.symmetric(1), s.c(), 1, true), a, shapes.get(a));
        String sum = add(new Op.Add(), x, a);
        return activation(sum);
    }

    private String inception(String x, Shape s) {
        String a = convNode(new Op.Conv2D(1, 1, 1, 1, Padding.VALID, 2 + rnd.nextInt(4), 1, true), x, s);
        String b = convNode(new Op.Conv2D(5, 3, 1, 1, Padding.explicit(2, 2, 1, 1), 2 + rnd.nextInt(4), 1, true), x, s);
        return add(new Op.Concat(), a, b);
    }

    private String activation(String x) {
        return switch (rnd.nextInt(3)) {
            case 0 -> add(new Op.Relu(), x);
            case 1 -> add(new Op.Relu6(), x);
            default -> add(new Op.LeakyRelu(0.1), x);
        };
    }

    private String dense(String x, int units) {
        String name = next("dense");
        int in = shapes.get(x).c();
        nodes.add(Node.of(name, new Op.Dense(units, true), x));
        weights.put(name + ".weight", scaled(in, in, units));
        weights.put(name + ".bias", Tensor.random(rnd.nextLong(), -0.1f, 0.1f, units));
        shapes.put(name, Shape.vector(units));
        return name;
    }

    private String convNode(Op.Conv2D op, String x, Shape s) {
        String name = next("conv");
        nodes.add(Node.of(name, op, x));
        int fanIn = op.kh() * op.kw() * s.c() / op.groups();
        weights.put(name + ".weight", scaled(fanIn, op.kh(), op.kw(), s.c() / op.groups(), op.filters()));
        if (op.bias()) weights.put(name + ".bias", Tensor.random(rnd.nextLong(), -0.1f, 0.1f, op.filters()));
        Window w = Window.of(op.kh(), op.kw(), op.sh(), op.sw(), op.padding().resolve(s.h(), s.w(), op.kh(), op.kw(), op.sh(), op.sw()));
        shapes.put(name, Shape.map(w.outH(s.h()), w.outW(s.w()), op.filters()));
        return name;
    }

    private String add(Op op, String... inputs) {
        String name = next(op.name());
        nodes.add(Node.of(name, op, inputs));
        Shape s = shapes.get(inputs[0]);
        Shape out = s;
        if (op instanceof Op.BatchNorm) {
            weights.put(name + ".gamma", Tensor.random(rnd.nextLong(), 0.5f, 1.5f, s.c()));
            weights.put(name + ".beta", Tensor.random(rnd.nextLong(), -0.2f, 0.2f, s.c()));
            weights.put(name + ".mean", Tensor.random(rnd.nextLong(), -0.2f, 0.2f, s.c()));
            weights.put(name + ".variance", Tensor.random(rnd.nextLong(), 0.5f, 1.5f, s.c()));
        } else if (op instanceof Op.MaxPool p) {
            Window w = Window.of(p.kh(), p.kw(), p.sh(), p.sw(), p.padding());
            out = Shape.map(w.outH(s.h()), w.outW(s.w()), s.c());
        } else if (op instanceof Op.AvgPool p) {
            Window w = Window.of(p.kh(), p.kw(), p.sh(), p.sw(), p.padding());
            out = Shape.map(w.outH(s.h()), w.outW(s.w()), s.c());
        } else if (op instanceof Op.Reorg) {
            out = Shape.map(s.h() / 2, s.w() / 2, s.c() * 4);
        } else if (op instanceof Op.Concat) {
            int c = 0;
            for (String i : inputs) c += shapes.get(i).c();
            out = Shape.map(s.h(), s.w(), c);
        } else if (op instanceof Op.GlobalAvgPool) {
            out = Shape.vector(s.c());
        } else if (op instanceof Op.Flatten) {
            out = Shape.vector((int) s.size());
        }
        shapes.put(name, out);
        return name;
    }

    private boolean fits(Shape s, int kh, int kw, int sh, int sw, Padding p) {
        Padding r = p.resolve(s.h(), s.w(), kh, kw, sh, sw);
        if (kh > s.h() + r.top() + r.bottom() || kw > s.w() + r.left() + r.right()) return false;
        Window w = Window.of(kh, kw, sh, sw, r);
        return w.outH(s.h()) >= 2 && w.outW(s.w()) >= 2;
    }

    private Padding randomPadding(int kh, int kw) {
        return switch (rnd.nextInt(3)) {
            case 0 -> Padding.SAME;
            case 1 -> Padding.VALID;
            default -> Padding.explicit(rnd.nextInt(kh), rnd.nextInt(kh), rnd.nextInt(kw), rnd.nextInt(kw));
        };
    }

    private Tensor scaled(int fanIn, int... shape) {
        float b = (float) Math.sqrt(3.0 / fanIn);
        return Tensor.random(rnd.nextLong(), -b, b, shape);
    }

    private String next(String prefix) {
        return prefix + "_" + (counter++);
    }
}
