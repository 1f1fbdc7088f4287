/**
 * Relevance-based pruning: batch-norm folding, Layer-wise Relevance Propagation over EdgeFuse models and
 * per-filter relevance scores, and structured removal of filters (channels tied by residual adds, real
 * removal rather than masks). The rules are summarised in docs/pruning.md.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.2.0")
package io.edgefuse.pruner;
