package io.edgefuse.engine.tf.internal;

import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Binds large weights as placeholders fed with a tensor built once, small ones as graph constants. A
 * large constant is serialised into the graph, copied through TensorFlow's session set-up and
 * instantiated again as a kernel: VGG-16's dense head (fc6 alone 411 MB) took 46 s in the first run of
 * its session on a whole core of this machine (minutes under a Pi-sized CPU quota), while a fed tensor
 * is passed to the kernel as it is. Only dense weights (and any giant weight) are fed: a convolution's filter
 * stays a constant, because oneDNN re-packs a fed filter on every run (YOLOv2's 3x3x512x1024 convs ran
 * at 13 GFLOP/s fed against about 30 as constants on one core here).
 */
public final class FedWeights implements LayerOps.WeightBinding, AutoCloseable {
    /** Weights with at least this many values are fed (16 M floats = 64 MB: VGG-16's fc6 and fc7; no conv of the zoo). */
    public static final long FEED_FROM_VALUES = 1 << 24;

    /**
     * Dense weights (2-D) are fed from this many values (1 M floats = 4 MB): TensorFlow's graph optimiser
     * spends seconds per million constant values on a MatMul followed by a BiasAdd (a 3072 x 3072 dense
     * layer: 13 s in its session's first run, 0.07 s fed; the capacity probe's dense chain took most of
     * a node's start-up), and a fed MatMul runs as fast as a constant one (1.5-1.9 ms either way).
     */
    public static final long FEED_DENSE_FROM_VALUES = 1 << 20;

    /** For graphs without fed weights. */
    public static final FedWeights NONE = new FedWeights(null);

    private record Feed(Operand<TFloat32> placeholder, TFloat32 value) {}

    private final Ops tf;
    private final List<Feed> feeds = new ArrayList<>();

    private FedWeights(Ops tf) {
        this.tf = tf;
    }

    public static FedWeights on(org.tensorflow.Graph g) {
        return new FedWeights(Ops.create(g));
    }

    /** The weight as an operand of TF shape {@code tfShape}: a constant, or a placeholder fed with every run. */
    @Override
    public Operand<TFloat32> bind(Tensor value, long... tfShape) {
        boolean dense = tfShape.length == 2;
        if (value.size() < (dense ? FEED_DENSE_FROM_VALUES : FEED_FROM_VALUES)) return LayerOps.constant(tf, value, tfShape);
        Operand<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(tfShape)));
        TFloat32 t = TFloat32.tensorOf(Shape.of(tfShape));
        try {
            t.asRawTensor().data().asFloats().write(value.data());
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        feeds.add(new Feed(p, t));
        return p;
    }

    Session.Runner feedAll(Session.Runner r) {
        for (Feed f : feeds) r.feed(f.placeholder(), f.value());
        return r;
    }

    public int count() {
        return feeds.size();
    }

    @Override
    public void close() {
        for (Feed f : feeds) f.value().close();
        feeds.clear();
    }
}
