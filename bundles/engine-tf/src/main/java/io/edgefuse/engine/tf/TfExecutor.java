package io.edgefuse.engine.tf;

import io.edgefuse.engine.tf.internal.GraphCache;
import io.edgefuse.engine.tf.internal.SessionConfig;
import io.edgefuse.engine.tf.internal.SharedWeights;
import io.edgefuse.engine.tf.internal.StageGraphBuilder;
import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Shape;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.region.StageGeometry;
import io.edgefuse.model.tensor.Tensor;
import java.util.Arrays;
import org.tensorflow.proto.ConfigProto;

/**
 * Runs a stage of a model on a tile with TensorFlow. Each (model version, stage, input region, output
 * region) gets its own graph and session, built on first use and kept in a bounded LRU cache; its
 * weights are constants or fed from copies shared by all graphs of the model version, as the
 * {@link WeightPolicy} for TensorFlow's kernels says. Produces the same numbers as {@link io.edgefuse.model.exec.JavaExecutor}:
 * padding only where windows leave the real feature map. Thread-safe.
 */
public final class TfExecutor implements Executor {
    public static final int DEFAULT_CACHE_CAPACITY = 64;

    private record Key(String modelVersion, int first, int last, Region input, Region output) {}

    private final ConfigProto config;
    private final GraphCache<Key> cache;
    private final WeightPolicy policy;
    private final SharedWeights weights = new SharedWeights();

    /** Intra-op threads = available processors, one inter-op thread. */
    public TfExecutor() {
        this(SessionConfig.defaultIntraOpThreads(), 1);
    }

    public TfExecutor(int intraOpThreads, int interOpThreads) {
        this(intraOpThreads, interOpThreads, DEFAULT_CACHE_CAPACITY);
    }

    /** @param cacheCapacity how many graphs (and sessions) stay open; the least recently used is closed first */
    public TfExecutor(int intraOpThreads, int interOpThreads, int cacheCapacity) {
        this(intraOpThreads, interOpThreads, cacheCapacity, WeightPolicy.forThisProcess());
    }

    /** @param policy which weights are constants and which are fed from copies shared by the version's graphs */
    public TfExecutor(int intraOpThreads, int interOpThreads, int cacheCapacity, WeightPolicy policy) {
        this.config = SessionConfig.of(intraOpThreads, interOpThreads);
        this.cache = new GraphCache<>(cacheCapacity);
        this.policy = policy;
    }

    @Override
    public String name() {
        return "tf";
    }

    @Override
    public Tensor run(Model model, Stage stage, RegionTensor input, Region out) {
        StageGeometry geo = StageGeometry.of(model, stage, out);
        Shape inShape = model.shapeOf(stage.input());
        Region inExtent = inShape.isMap() ? input.extent() : null;
        int[] inDims = expectedInputDims(model, stage, geo, inShape, inExtent);
        if (!Arrays.equals(input.tensor().shape(), inDims)) {
            throw new ModelException("stage " + stage.describe(model) + " expects an input of shape " + Arrays.toString(inDims) + ", got " + input.tensor());
        }
        Key key = new Key(model.version(), stage.first(), stage.last(), inExtent, stage.tileable() ? geo.outputRegion() : null);
        return cache.with(key, () -> StageGraphBuilder.build(model, geo, inExtent, inDims, config, policy, weights.open(model.version())),
                g -> g.run(input.tensor()));
    }

    private static int[] expectedInputDims(Model model, Stage stage, StageGeometry geo, Shape inShape, Region inExtent) {
        if (!inShape.isMap()) return inShape.dims();
        if (!Region.full(inShape).contains(inExtent)) {
            throw new ModelException("input " + inExtent + " lies outside the " + inShape + " map of '" + stage.input() + "'");
        }
        if (stage.tileable()) {
            if (!inExtent.contains(geo.inputRegion())) {
                throw new ModelException("stage " + stage.describe(model) + " needs input " + geo.inputRegion() + ", got " + inExtent);
            }
        } else if (!inExtent.equals(Region.full(inShape))) {
            throw new ModelException("stage " + stage.describe(model) + " is not tileable and needs its whole input, got " + inExtent);
        }
        return new int[] {inExtent.height(), inExtent.width(), inShape.c()};
    }

    /**
     * Opens TensorFlow's process-wide thread pools with this executor's thread counts, their threads
     * named {@link TfThreads#COMPUTE}; call before any session of the process (see {@link TfThreads}).
     */
    public boolean startThreadPools() {
        return TfThreads.start(config);
    }

    public WeightPolicy weightPolicy() {
        return policy;
    }

    /** Model versions whose weights are held for cached graphs, with the number of shared tensors of each. */
    public java.util.Map<String, Integer> sharedWeights() {
        return weights.tensorsByVersion();
    }

    /** Number of graphs currently cached (each with an open session). */
    public int cachedGraphs() {
        return cache.size();
    }

    /** Closes every cached session and graph; graphs in use close when their run finishes. */
    @Override
    public void close() {
        cache.close();
    }
}
