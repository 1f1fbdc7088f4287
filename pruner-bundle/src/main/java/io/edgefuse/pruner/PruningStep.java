package io.edgefuse.pruner;

/**
 * One iteration of the loop. Step 0 is the unpruned (folded) model.
 *
 * @param rate the rate r_t this step used (fraction of the remaining removable filters)
 * @param removed filters (pruning units: a residual group's index counts once) this step removed
 * @param accepted false if the step was undone (its figures are those of the discarded model)
 * @param filters removable units left after the step
 * @param flopsRemoved fraction of the original FLOPs gone
 * @param valAccuracy validation accuracy (fraction)
 * @param seconds wall time of the step (scoring, removal, fine-tuning, evaluation)
 */
public record PruningStep(int step, double rate, int removed, boolean accepted, int filters, long flops, double flopsRemoved,
        long params, double valAccuracy, double valLoss, double seconds) {}
