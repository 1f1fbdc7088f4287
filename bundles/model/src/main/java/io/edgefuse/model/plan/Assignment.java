package io.edgefuse.model.plan;

import io.edgefuse.model.region.Region;

/** One device computes one region of a stage's output (region null: the whole output). */
public record Assignment(String device, Region region) {}
