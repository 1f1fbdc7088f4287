/**
 * Relevance-based pruning: batch-norm folding, Layer-wise Relevance Propagation over EdgeFuse models,
 * pruning criteria (LRP relevance, L1 norm, first-order Taylor, random) with per-layer normalisation and
 * one global ranking over channel groups, structured removal of filters (channels tied by residual adds,
 * real removal rather than masks), and the adaptive global pruning loop. See docs/pruning.md.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.3.0")
package io.edgefuse.pruner;
