package io.edgefuse.engine.tf.train;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Starting weights for training: conv and dense weights He-normal (std sqrt(2 / fan-in), the usual
 * choice for ReLU nets), biases 0, batch norms the identity (gamma 1, beta 0, mean 0, variance 1). Each
 * tensor draws from its own Random seeded by (seed, tensor name), so the result does not depend on the
 * order tensors are visited in.
 */
public final class Initialiser {
    private Initialiser() {}

    public static Model initialise(Model graph, long seed) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            String p = n.name() + ".";
            int cin = graph.shapeOf(n.input()).c();
            if (n.op() instanceof Op.Conv2D c) {
                int inPerGroup = cin / c.groups();
                w.put(p + "weight", heNormal(seed, p + "weight", c.kh() * c.kw() * inPerGroup, c.kh(), c.kw(), inPerGroup, c.filters()));
                if (c.bias()) w.put(p + "bias", Tensor.zeros(c.filters()));
            } else if (n.op() instanceof Op.Dense d) {
                int in = (int) graph.shapeOf(n.input()).size();
                w.put(p + "weight", heNormal(seed, p + "weight", in, in, d.units()));
                if (d.bias()) w.put(p + "bias", Tensor.zeros(d.units()));
            } else if (n.op() instanceof Op.BatchNorm) {
                int c = graph.shapeOf(n.input()).c();
                w.put(p + "gamma", filled(c, 1f));
                w.put(p + "beta", Tensor.zeros(c));
                w.put(p + "mean", Tensor.zeros(c));
                w.put(p + "variance", filled(c, 1f));
            }
        }
        return graph.withWeights(w);
    }

    private static Tensor heNormal(long seed, String name, int fanIn, int... shape) {
        Tensor t = Tensor.zeros(shape);
        Random r = new Random(seed ^ fnv(name));
        double std = Math.sqrt(2.0 / fanIn);
        float[] a = t.data();
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextGaussian() * std);
        return t;
    }

    private static Tensor filled(int n, float v) {
        Tensor t = Tensor.zeros(n);
        Arrays.fill(t.data(), v);
        return t;
    }

    /** 64-bit FNV-1a: stable across JVMs. */
    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
