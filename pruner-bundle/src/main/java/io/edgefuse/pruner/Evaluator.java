package io.edgefuse.pruner;

import io.edgefuse.model.Model;

/** Measures a model on one fixed labelled set (the validation part of the training set, or the test set). */
public interface Evaluator {
    Evaluation evaluate(Model m);
}
