package io.edgefuse.pruner;

import io.edgefuse.model.Model;

/** Progress of the pruning loop, as it happens. */
public interface PruningListener {
    /** A step was evaluated (accepted or undone). */
    default void step(PruningStep s) {}

    /**
     * The loop reached a FLOPs checkpoint with this (accepted) model: {@code m} with batch norms folded,
     * {@code withBatchNorms} the same network as the loop holds it (see {@link PruningLoop.Result#withBatchNorms()}).
     */
    default void checkpoint(double flopsRemoved, Model m, Model withBatchNorms, PruningStep s) {}

    /** Something slow started (scoring, fine-tuning). */
    default void phase(String what) {}

    PruningListener NONE = new PruningListener() {};
}
