package io.edgefuse.model.zoo;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic stand-in weights for the zoo. Latency does not depend on weight values, but partition
 * checks and pruning need activations that neither explode nor vanish, and every machine that
 * generates a zoo model must get the same bytes (hence the same model version). So:
 * <ul>
 *   <li>each tensor has its own seed, from (model name, tensor name), and can be drawn on its own;</li>
 *   <li>only integer arithmetic and IEEE float + and * are used (no Math.log/sin, whose results may
 *       differ by an ulp between JVMs and CPUs), so the bytes are the same everywhere;</li>
 *   <li>conv and dense weights are He-scaled (std sqrt(2 / fan_in)), so a ReLU network keeps the scale
 *       of its activations layer after layer;</li>
 *   <li>batch norm gains and variances are near 1, shifts small;</li>
 *   <li>the batch norm that ends a residual branch has its gain divided by sqrt(2 x number of
 *       branches), so that N blocks grow the activations' second moment by about (1 + 1/N)^N, at most
 *       e: at gain 1 every block would add its branch's full variance and ResNet-50's 16 blocks would
 *       grow the activations by about 2^8 (trained ResNets also learn small branch gains; torchvision's
 *       zero_init_residual starts them at 0). Checked by ZooTest/ZooSlowTest: logits rms 2.7 to 4.6,
 *       top softmax probability below 0.5.</li>
 * </ul>
 * Normal draws are Irwin-Hall sums of four 16-bit uniforms, rescaled to unit variance: a bell bounded
 * at +-3.46 sigma, which is what a truncated-normal initialiser gives too.
 */
final class SeededWeights {
    /** Bump when any rule here changes, so that caches written by the old rules are regenerated. */
    static final String GENERATOR = "edgefuse-zoo-weights/2";

    private static final float SQRT3 = 1.7320508f;
    private static final float BIAS_RANGE = 0.01f;
    private static final float BN_SHIFT_RANGE = 0.05f;

    private SeededWeights() {}

    static Map<String, Tensor> generate(Blueprint bp) {
        Model g = bp.graph();
        String model = g.name();
        float branchGain = bp.residualBranchEnds().isEmpty() ? 1f : (float) (1.0 / Math.sqrt(2.0 * bp.residualBranchEnds().size()));
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            String p = n.name() + ".";
            int cin = g.shapeOf(n.input()).c();
            if (n.op() instanceof Op.Conv2D c) {
                int fanIn = c.kh() * c.kw() * (cin / c.groups());
                w.put(p + "weight", normal(model, p + "weight", he(fanIn), c.kh(), c.kw(), cin / c.groups(), c.filters()));
                if (c.bias()) w.put(p + "bias", uniform(model, p + "bias", -BIAS_RANGE, BIAS_RANGE, c.filters()));
            } else if (n.op() instanceof Op.Dense d) {
                w.put(p + "weight", normal(model, p + "weight", he(cin), cin, d.units()));
                if (d.bias()) w.put(p + "bias", uniform(model, p + "bias", -BIAS_RANGE, BIAS_RANGE, d.units()));
            } else if (n.op() instanceof Op.BatchNorm) {
                float gain = bp.residualBranchEnds().contains(n.name()) ? branchGain : 1f;
                w.put(p + "gamma", uniform(model, p + "gamma", 0.8f * gain, 1.2f * gain, cin));
                w.put(p + "beta", uniform(model, p + "beta", -BN_SHIFT_RANGE, BN_SHIFT_RANGE, cin));
                w.put(p + "mean", uniform(model, p + "mean", -BN_SHIFT_RANGE, BN_SHIFT_RANGE, cin));
                w.put(p + "variance", uniform(model, p + "variance", 0.8f, 1.2f, cin));
            }
        }
        return w;
    }

    /** 64-bit FNV-1a of "model/tensor": stable across JVMs, unlike String.hashCode's 32 bits. */
    static long seed(String model, String tensor) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (model + "/" + tensor).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    static Tensor normal(String model, String tensor, float std, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] a = t.data();
        SplittableRandom r = new SplittableRandom(seed(model, tensor));
        float scale = std * SQRT3 / 65536f;
        for (int i = 0; i < a.length; i++) {
            long bits = r.nextLong();
            long s = (bits & 0xffff) + ((bits >>> 16) & 0xffff) + ((bits >>> 32) & 0xffff) + (bits >>> 48);
            a[i] = (s - 131070L) * scale;
        }
        return t;
    }

    static Tensor uniform(String model, String tensor, float lo, float hi, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] a = t.data();
        SplittableRandom r = new SplittableRandom(seed(model, tensor));
        for (int i = 0; i < a.length; i++) a[i] = lo + (hi - lo) * ((r.nextLong() >>> 40) * 0x1.0p-24f);
        return t;
    }

    private static float he(int fanIn) {
        return (float) Math.sqrt(2.0 / fanIn);
    }
}
