package io.edgefuse.engine.tf.internal;

import io.edgefuse.engine.tf.WeightPolicy;
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
 * Binds a graph's weights as {@link WeightPolicy} says: a constant, or a placeholder fed with every run
 * from the copy shared by all graphs of the model version ({@link SharedWeights}). Closing it releases
 * the graph's hold on those copies.
 */
public final class FedWeights implements LayerOps.WeightBinding, AutoCloseable {
    /** For graphs without fed weights. */
    public static final FedWeights NONE = new FedWeights(null, WeightPolicy.CONSTANT_FILTERS, null);

    private record Feed(Operand<TFloat32> placeholder, TFloat32 value) {}

    private final Ops tf;
    private final WeightPolicy policy;
    private final SharedWeights.Lease weights;
    private final List<Feed> feeds = new ArrayList<>();

    private FedWeights(Ops tf, WeightPolicy policy, SharedWeights.Lease weights) {
        this.tf = tf;
        this.policy = policy;
        this.weights = weights;
    }

    /** Takes over {@code weights}: closing this closes it. */
    public static FedWeights on(org.tensorflow.Graph g, WeightPolicy policy, SharedWeights.Lease weights) {
        return new FedWeights(Ops.create(g), policy, weights);
    }

    /** The weight as an operand of TF shape {@code tfShape}: a constant, or a placeholder fed with every run. */
    @Override
    public Operand<TFloat32> bind(Tensor value, long... tfShape) {
        if (!policy.feeds(value.size(), tfShape.length)) return LayerOps.constant(tf, value, tfShape);
        Operand<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(tfShape)));
        feeds.add(new Feed(p, weights.tensor(value, tfShape)));
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
        feeds.clear();
        if (weights != null) weights.close();
    }
}
