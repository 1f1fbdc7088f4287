package io.edgefuse.pruner;

/** The relevance score of one filter (output channel) of one conv node. */
public record FilterScore(String node, int filter, double score) {}
