package io.edgefuse.pruner;

/**
 * Accuracy (fraction 0..1 of top-1 hits) and mean cross-entropy of a model over a labelled set.
 *
 * @param count how many samples were evaluated
 */
public record Evaluation(double accuracy, double loss, int count) {

    /** Accumulates outputs one by one: probabilities (after a softmax) or logits. */
    public static final class Tally {
        private final boolean probabilities;
        private int n, hits;
        private double loss;

        /** @param probabilities whether outputs are already a softmax (else they are logits) */
        public Tally(boolean probabilities) {
            this.probabilities = probabilities;
        }

        public void add(float[] out, int offset, int classes, int label) {
            int best = 0;
            for (int k = 1; k < classes; k++) if (out[offset + k] > out[offset + best]) best = k;
            if (best == label) hits++;
            double p;
            if (probabilities) {
                p = out[offset + label];
            } else {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int k = 0; k < classes; k++) max = Math.max(max, out[offset + k]);
                for (int k = 0; k < classes; k++) sum += Math.exp(out[offset + k] - max);
                p = Math.exp(out[offset + label] - max) / sum;
            }
            loss += -Math.log(Math.max(p, 1e-12));
            n++;
        }

        public Evaluation result() {
            if (n == 0) throw new IllegalStateException("nothing evaluated");
            return new Evaluation((double) hits / n, loss / n, n);
        }
    }
}
