package io.edgefuse.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgefuse.model.tensor.Tensor;

/** A decoded binary frame: its JSON header and the tensor it carries (null when it carries none). */
public record Frame(ObjectNode header, Tensor tensor) {}
