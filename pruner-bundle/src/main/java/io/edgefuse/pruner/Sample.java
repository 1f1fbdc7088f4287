package io.edgefuse.pruner;

import io.edgefuse.model.tensor.Tensor;

/** A reference input (already preprocessed, [H, W, C]) and its true class. */
public record Sample(Tensor input, int label) {}
