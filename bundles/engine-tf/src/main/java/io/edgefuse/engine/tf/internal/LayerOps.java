package io.edgefuse.engine.tf.internal;

import io.edgefuse.model.ModelException;
import io.edgefuse.model.Op;
import io.edgefuse.model.Window;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;

/**
 * The model's layers as TensorFlow ops on NHWC operands. Every graph builder (the tile executor's, the
 * plain baseline's and the trainer's) goes through here, so they differ only in padding, cropping, batch
 * size and whether weights are constants or trainable variables ({@link WeightBinding}).
 */
public final class LayerOps {
    /** TensorFlow padding modes. */
    public static final String VALID = "VALID", SAME = "SAME";

    /**
     * Turns a model weight tensor into an operand of TensorFlow shape {@code tfShape} (same values in the
     * same order; only depthwise filters get another shape). Inference binds constants; the trainer binds
     * variables initialised from the tensor.
     */
    @FunctionalInterface
    public interface WeightBinding {
        Operand<TFloat32> bind(Tensor value, long... tfShape);
    }

    private final Ops tf;
    private final WeightBinding weights;

    /** Weights as graph constants. */
    public LayerOps(Graph g) {
        this.tf = Ops.create(g);
        this.weights = this::constant;
    }

    public LayerOps(Graph g, WeightBinding weights) {
        this.tf = Ops.create(g);
        this.weights = weights;
    }

    public Ops tf() {
        return tf;
    }

    /** An input of one sample, [1, dims...]. */
    public Operand<TFloat32> placeholder(int[] dims) {
        return tf.placeholder(TFloat32.class, org.tensorflow.op.core.Placeholder.shape(TfTensors.batchShape(dims)));
    }

    /** An input of any batch size, [-1, dims...]. */
    public Operand<TFloat32> batchPlaceholder(int[] dims) {
        long[] s = new long[dims.length + 1];
        s[0] = -1;
        for (int i = 0; i < dims.length; i++) s[i + 1] = dims[i];
        return tf.placeholder(TFloat32.class, org.tensorflow.op.core.Placeholder.shape(Shape.of(s)));
    }

    public Operand<TFloat32> constant(Tensor t, long... shape) {
        return constant(tf, t, shape);
    }

    static Operand<TFloat32> constant(Ops tf, Tensor t, long... shape) {
        return tf.constant(Shape.of(shape), DataBuffers.of(t.data(), true, false));
    }

    /** The part {@code want} of an operand holding {@code have} (both global map coordinates). */
    public Operand<TFloat32> crop(Operand<TFloat32> x, Region have, Region want) {
        if (have.equals(want)) return x;
        if (!have.contains(want)) throw new ModelException("region " + want + " is not inside " + have);
        return tf.slice(x,
                tf.constant(new int[] {0, want.top() - have.top(), want.left() - have.left(), 0}),
                tf.constant(new int[] {1, want.height(), want.width(), -1}));
    }

    public Operand<TFloat32> pad(Operand<TFloat32> x, Pads p, float value) {
        if (p.isNone()) return x;
        return tf.pad(x, tf.constant(p.paddingMatrix()), tf.constant(value));
    }

    /**
     * Convolution with bias over an input padded by {@code pads}: TF's SAME where that pads the same
     * way, otherwise a Pad op in front of a VALID convolution. (Conv2D's own EXPLICIT mode aborts the
     * process in TF Java 1.1.0 with oneDNN on: tensor_format.h check failure.)
     */
    public Operand<TFloat32> conv2d(Operand<TFloat32> x, int inH, int inW, int cin, Op.Conv2D c, Tensor weight, Tensor bias, Pads pads) {
        if (pads.equals(Pads.same(inH, inW, c.kh(), c.kw(), c.sh(), c.sw()))) {
            return conv2d(x, cin, c, weight, bias, pads.isNone() ? VALID : SAME);
        }
        return conv2d(pad(x, pads, 0f), cin, c, weight, bias, VALID);
    }

    /**
     * Convolution with bias, {@code mode} VALID or SAME. Depthwise (groups == input channels) maps HWIO
     * [kh, kw, 1, cout] to TF's [kh, kw, cin, multiplier]; other group counts run as one convolution per
     * group, concatenated (TF's CPU Conv2D has no groups).
     */
    public Operand<TFloat32> conv2d(Operand<TFloat32> x, int cin, Op.Conv2D c, Tensor weight, Tensor bias, String mode) {
        List<Long> strides = List.of(1L, (long) c.sh(), (long) c.sw(), 1L);
        Operand<TFloat32> y;
        if (c.groups() == 1) {
            y = tf.nn.conv2d(x, weights.bind(weight, c.kh(), c.kw(), cin, c.filters()), strides, mode);
        } else if (c.groups() == cin) {
            y = tf.nn.depthwiseConv2dNative(x, weights.bind(weight, c.kh(), c.kw(), cin, c.filters() / cin), strides, mode);
        } else {
            y = groupedConv(x, cin, c, weight, strides, mode);
        }
        return bias == null ? y : tf.nn.biasAdd(y, weights.bind(bias, c.filters()));
    }

    /** Weights are per-group constants here (sliced in Java), so the trainer refuses grouped convs. */
    private Operand<TFloat32> groupedConv(Operand<TFloat32> x, int cin, Op.Conv2D c, Tensor weight, List<Long> strides, String mode) {
        int g = c.groups(), cpg = cin / g, opg = c.filters() / g;
        List<Output<TFloat32>> parts = tf.split(tf.constant(3), x, (long) g).output();
        List<Operand<TFloat32>> outs = new ArrayList<>();
        for (int k = 0; k < g; k++) {
            Tensor wk = groupWeights(weight, c, cpg, opg, k);
            outs.add(tf.nn.conv2d(parts.get(k), constant(wk, c.kh(), c.kw(), cpg, opg), strides, mode));
        }
        return tf.concat(outs, tf.constant(3));
    }

    /** Filters of group k: HWIO [kh, kw, cpg, filters] restricted to output channels [k*opg, (k+1)*opg). */
    static Tensor groupWeights(Tensor w, Op.Conv2D c, int cpg, int opg, int k) {
        Tensor out = Tensor.zeros(c.kh(), c.kw(), cpg, opg);
        float[] src = w.data(), dst = out.data();
        int rows = c.kh() * c.kw() * cpg;
        for (int r = 0; r < rows; r++) System.arraycopy(src, r * c.filters() + k * opg, dst, r * opg, opg);
        return out;
    }

    public Operand<TFloat32> maxPool(Operand<TFloat32> x, Window w, String mode) {
        return tf.nn.maxPool(x, tf.constant(new int[] {1, w.kh(), w.kw(), 1}), tf.constant(new int[] {1, w.sh(), w.sw(), 1}), mode);
    }

    /** Max pool over an input of inH x inW padded by {@code pads}: padded positions never win (-inf). */
    public Operand<TFloat32> maxPool(Operand<TFloat32> x, int inH, int inW, Window w, Pads pads) {
        if (pads.equals(Pads.same(inH, inW, w.kh(), w.kw(), w.sh(), w.sw()))) return maxPool(x, w, pads.isNone() ? VALID : SAME);
        return maxPool(pad(x, pads, Float.NEGATIVE_INFINITY), w, VALID);
    }

    public Operand<TFloat32> avgPool(Operand<TFloat32> x, Window w, String mode) {
        return tf.nn.avgPool(x, List.of(1L, (long) w.kh(), (long) w.kw(), 1L), List.of(1L, (long) w.sh(), (long) w.sw(), 1L), mode);
    }

    /**
     * Average pool over an input of inH x inW padded by {@code pads}, counting only real positions.
     * Where TF's SAME pads the same way it does exactly that; otherwise the VALID average of the
     * zero-padded input times kh*kw / (real positions in the window), a constant per output pixel.
     * {@code out} and {@code mapH}/{@code mapW} locate the output and the real map in global coordinates.
     */
    public Operand<TFloat32> avgPool(Operand<TFloat32> x, int inH, int inW, Window w, Pads pads, Region out, int mapH, int mapW) {
        if (pads.equals(Pads.same(inH, inW, w.kh(), w.kw(), w.sh(), w.sw()))) return avgPool(x, w, pads.isNone() ? VALID : SAME);
        Operand<TFloat32> y = avgPool(pad(x, pads, 0f), w, VALID);
        Tensor fix = avgPoolCorrection(w, out, mapH, mapW);
        return fix == null ? y : tf.math.mul(y, constant(fix, 1, out.height(), out.width(), 1));
    }

    /** Per output pixel kh*kw / count of in-map window positions; null when no window leaves the map. */
    static Tensor avgPoolCorrection(Window w, Region out, int inH, int inW) {
        int[] rows = inMapCounts(out.top(), out.height(), w.sh(), w.pt(), w.kh(), inH);
        int[] cols = inMapCounts(out.left(), out.width(), w.sw(), w.pl(), w.kw(), inW);
        Tensor fix = Tensor.zeros(out.height(), out.width(), 1);
        boolean any = false;
        float full = w.kh() * w.kw();
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < cols.length; x++) {
                int n = rows[y] * cols[x];
                // A window wholly in the padding averages nothing; the reference gives 0 there.
                fix.data()[y * cols.length + x] = n == 0 ? 0f : full / n;
                any |= n != w.kh() * w.kw();
            }
        }
        return any ? fix : null;
    }

    private static int[] inMapCounts(int first, int n, int stride, int padBefore, int k, int size) {
        int[] counts = new int[n];
        for (int o = 0; o < n; o++) {
            int start = (first + o) * stride - padBefore;
            counts[o] = Math.max(0, Math.min(size, start + k) - Math.max(0, start));
        }
        return counts;
    }

    /** Inference batch norm as one multiply-add with the same float scale and shift as the reference. */
    public Operand<TFloat32> batchNorm(Operand<TFloat32> x, Op.BatchNorm bn, Tensor gamma, Tensor beta, Tensor mean, Tensor variance) {
        int c = gamma.size();
        float[] scale = new float[c], shift = new float[c];
        for (int k = 0; k < c; k++) {
            scale[k] = (float) (gamma.data()[k] / Math.sqrt(variance.data()[k] + bn.epsilon()));
            shift[k] = beta.data()[k] - mean.data()[k] * scale[k];
        }
        return tf.math.add(tf.math.mul(x, tf.constant(scale)), tf.constant(shift));
    }

    public Operand<TFloat32> activation(Operand<TFloat32> x, Op op) {
        if (op instanceof Op.Relu) return tf.nn.relu(x);
        if (op instanceof Op.Relu6) return tf.nn.relu6(x);
        if (op instanceof Op.LeakyRelu lr) {
            // Not tf.nn.leakyRelu: TF's grappler fuses Add + LeakyRelu into a oneDNN op that ignores alpha
            // (seen as a 1% error after residual adds). max(x, alpha * x) equals leaky ReLU for alpha <= 1.
            if (lr.alpha() <= 1) return tf.math.maximum(x, tf.math.mul(x, tf.constant((float) lr.alpha())));
            return tf.nn.leakyRelu(x, LeakyRelu.alpha((float) lr.alpha()));
        }
        throw new ModelException(op.name() + " is not an activation");
    }

    public Operand<TFloat32> add(List<Operand<TFloat32>> xs) {
        return xs.size() == 2 ? tf.math.add(xs.get(0), xs.get(1)) : tf.math.addN(xs);
    }

    public Operand<TFloat32> concatChannels(List<Operand<TFloat32>> xs) {
        return tf.concat(xs, tf.constant(3));
    }

    public Operand<TFloat32> reorg(Operand<TFloat32> x, int stride) {
        return tf.nn.spaceToDepth(x, (long) stride);
    }

    /** [B, H, W, C] to [B, C]. */
    public Operand<TFloat32> globalAvgPool(Operand<TFloat32> x) {
        return tf.math.mean(x, tf.constant(new int[] {1, 2}));
    }

    /** [B, H, W, C] to [B, size] with size = H*W*C, row-major. */
    public Operand<TFloat32> flatten(Operand<TFloat32> x, long size) {
        return tf.reshape(x, tf.constant(new long[] {-1, size}));
    }

    public Operand<TFloat32> dense(Operand<TFloat32> x, int in, Op.Dense d, Tensor weight, Tensor bias) {
        Operand<TFloat32> y = tf.linalg.matMul(x, weights.bind(weight, in, d.units()));
        return bias == null ? y : tf.nn.biasAdd(y, weights.bind(bias, d.units()));
    }

    public Operand<TFloat32> softmax(Operand<TFloat32> x) {
        return tf.nn.softmax(x);
    }
}
