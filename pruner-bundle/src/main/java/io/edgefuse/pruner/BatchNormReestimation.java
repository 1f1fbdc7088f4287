package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch-norm re-estimation (EagleEye, Li et al., ECCV 2020): after filters are removed, the inputs of the
 * batch norms further down no longer have the mean and variance the batch norms were trained with, and
 * that mismatch, not the lost filters alone, costs much of a pruned network's accuracy. This sets each
 * batch norm's running mean and variance to the per-channel statistics of its input measured on the
 * given samples. No gradient step and no weight other than those two statistics changes (gamma, beta and
 * all conv and dense weights stay).
 */
public final class BatchNormReestimation {
    private BatchNormReestimation() {}

    /**
     * {@code m} with the mean and variance of every batch norm replaced by the per-channel mean and the
     * population (biased) variance of that batch norm's input over all samples and positions. Batch norms
     * are handled in model order and each sees the activations of the already re-estimated ones before it,
     * as in a training-mode pass. A model without batch norm is returned as it is.
     */
    public static Model reestimate(Model m, List<Sample> samples) {
        int last = -1;
        for (int i = 0; i < m.size(); i++) if (m.node(i).op() instanceof Op.BatchNorm) last = i;
        if (last < 0) return m;
        if (samples.isEmpty()) throw new IllegalArgumentException("batch-norm re-estimation needs samples");
        Map<String, Integer> lastRead = new HashMap<>();
        for (int i = 0; i <= last; i++) for (String in : m.node(i).inputs()) lastRead.put(in, i);
        List<Map<String, double[]>> acts = new ArrayList<>();
        for (Sample s : samples) acts.add(Forward.start(m, s.input()));
        Map<String, Tensor> weights = new LinkedHashMap<>(m.weights());
        Model cur = m;
        for (int i = 0; i <= last; i++) {
            Node n = cur.node(i);
            if (n.op() instanceof Op.BatchNorm) {
                double[][] st = statistics(acts, n.input(), cur.shapeOf(n.input()).c());
                weights.put(n.name() + ".mean", new Tensor(new int[] {st[0].length}, toFloat(st[0])));
                weights.put(n.name() + ".variance", new Tensor(new int[] {st[1].length}, toFloat(st[1])));
                cur = cur.withWeights(weights);
            }
            Model at = cur;
            int idx = i;
            acts.parallelStream().forEach(a -> a.put(n.name(), Forward.node(at, idx, a)));
            // Keep only what later nodes read: a 28x28x32 map per sample adds up over 100 samples.
            for (String in : n.inputs()) {
                if (lastRead.get(in) == i) for (Map<String, double[]> a : acts) a.remove(in);
            }
        }
        return cur;
    }

    /** Per-channel mean and population variance of a tensor over all samples and positions (channel fastest). */
    private static double[][] statistics(List<Map<String, double[]>> acts, String tensor, int channels) {
        double[] sum = new double[channels], mean = new double[channels], var = new double[channels];
        long count = 0;
        for (Map<String, double[]> a : acts) {
            double[] v = a.get(tensor);
            for (int k = 0; k < v.length; k++) sum[k % channels] += v[k];
            count += v.length / channels;
        }
        for (int c = 0; c < channels; c++) mean[c] = sum[c] / count;
        // Two passes: the variance from squared deviations, not E[x^2] - E[x]^2, which cancels badly when the mean is large.
        for (Map<String, double[]> a : acts) {
            double[] v = a.get(tensor);
            for (int k = 0; k < v.length; k++) {
                double d = v[k] - mean[k % channels];
                var[k % channels] += d * d;
            }
        }
        for (int c = 0; c < channels; c++) var[c] /= count;
        return new double[][] {mean, var};
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int k = 0; k < v.length; k++) f[k] = (float) v[k];
        return f;
    }
}
