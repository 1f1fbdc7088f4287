package io.edgefuse.model.exec;

import io.edgefuse.model.Model;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.tensor.Tensor;

/**
 * Runs one stage of a model on one tile. Implementations: {@link JavaExecutor} (the oracle) and the
 * TensorFlow engine. Thread-safe: a node may run several tiles at once.
 */
public interface Executor extends AutoCloseable {

    /** Short name used on the CLI and in heartbeats, e.g. "java" or "tf". */
    String name();

    /**
     * Computes the stage's output over {@code out} (null for a non-tileable stage: the whole output).
     *
     * @param input the stage's input tensor over at least
     *     {@link io.edgefuse.model.region.StageGeometry#inputRegion()} (whole for non-tileable stages)
     * @return a tensor of shape [out.height, out.width, C], or the whole output
     */
    Tensor run(Model model, Stage stage, RegionTensor input, Region out);

    /** Whole-model inference on one input, the monolithic reference run. */
    default Tensor runWhole(Model model, Tensor input) {
        Stage all = Stage.of(model, 0, model.size() - 1);
        return run(model, all, RegionTensor.whole(input), null);
    }

    @Override
    default void close() {}
}
