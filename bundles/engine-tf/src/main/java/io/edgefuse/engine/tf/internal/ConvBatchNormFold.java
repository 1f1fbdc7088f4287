package io.edgefuse.engine.tf.internal;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Inference batch norm folded into the convolution in front of it, when both are in the same stage: the
 * filters are scaled per output channel and the shift becomes the bias. Under Eigen kernels TensorFlow
 * runs the batch norm's multiply and add as two more passes over the conv's output map (YOLOv2: 416 x 416
 * x 32 floats behind its first conv); folded, the bias add fuses into the convolution. The folded tensors
 * are made once per model and conv, so the tile graphs of a model version share one copy of them
 * ({@link SharedWeights} keys by tensor identity).
 */
public final class ConvBatchNormFold {
    /** The folded filters (HWIO, scaled along O) and bias. */
    public record Folded(Tensor weight, Tensor bias) {}

    private static final Map<Model, Map<Integer, Folded>> FOLDED = new WeakHashMap<>();

    private ConvBatchNormFold() {
    }

    /**
     * The index of the batch norm that conv node {@code i} can absorb in {@code stage}, or -1: the conv's
     * output is read by that batch norm alone, inside the stage, and is neither the stage's output nor the
     * model's.
     */
    public static int absorbedBatchNorm(Model m, Stage stage, int i) {
        Node n = m.node(i);
        if (!(n.op() instanceof Op.Conv2D) || i == stage.last() || n.name().equals(m.output())) return -1;
        List<Integer> consumers = m.consumersOf(n.name());
        if (consumers.size() != 1) return -1;
        int j = consumers.get(0);
        return stage.contains(j) && m.node(j).op() instanceof Op.BatchNorm ? j : -1;
    }

    public static synchronized Folded of(Model m, int conv, int bn) {
        return FOLDED.computeIfAbsent(m, k -> new HashMap<>()).computeIfAbsent(conv, k -> fold(m, conv, bn));
    }

    private static Folded fold(Model m, int conv, int bn) {
        Op.Conv2D c = (Op.Conv2D) m.node(conv).op();
        String cp = m.node(conv).name() + ".", bp = m.node(bn).name() + ".";
        float[][] ss = LayerOps.batchNormScaleShift((Op.BatchNorm) m.node(bn).op(), m.weight(bp + "gamma"), m.weight(bp + "beta"), m.weight(bp + "mean"),
                m.weight(bp + "variance"));
        float[] scale = ss[0], shift = ss[1];
        Tensor w = m.weight(cp + "weight");
        int cout = c.filters();
        Tensor fw = Tensor.zeros(w.shape());
        float[] src = w.data(), dst = fw.data();
        for (int k = 0; k < src.length; k++) dst[k] = src[k] * scale[k % cout];
        Tensor fb = Tensor.zeros(cout);
        float[] b = c.bias() ? m.weight(cp + "bias").data() : null;
        for (int o = 0; o < cout; o++) fb.data()[o] = (b == null ? 0f : b[o]) * scale[o] + shift[o];
        return new Folded(fw, fb);
    }
}
