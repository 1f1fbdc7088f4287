package io.edgefuse.pruner;

import io.edgefuse.model.Model;

/** Trains a (pruned) model a little further; the budget (epochs, batches) is the implementation's. */
public interface FineTuner {
    Model fineTune(Model m);
}
