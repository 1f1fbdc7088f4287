package io.edgefuse.engine.tf.train;

/**
 * A model's score on a labelled set.
 *
 * @param accuracy fraction of images whose top class is the label, 0..1
 * @param loss     mean softmax cross-entropy (natural log) of the logits against the labels
 * @param images   how many images were scored
 */
public record Evaluation(double accuracy, double loss, int images) {
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "accuracy %.4f, loss %.4f on %d images", accuracy, loss, images);
    }
}
