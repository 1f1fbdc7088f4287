package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchNormReestimationTest {
    private static final JavaExecutor JAVA = new JavaExecutor();

    /** conv0 (5) -> bn -> relu -> conv (4) -> bn -> relu -> flatten -> dense 3: two batch norms in series. */
    private static Model net() {
        TinyNet t = new TinyNet(6, 6, 2, 11);
        String c0 = t.conv("input", 3, 3, 1, Padding.SAME, 5, 1, null, new float[] {0.3f, -0.2f, 0.1f, 0.5f, -0.4f});
        String x = t.relu(t.batchNorm(c0));
        String c1 = t.conv(x, 3, Padding.SAME, 4);
        x = t.relu(t.batchNorm(c1));
        t.dense(t.flatten(x), 3, null, new float[] {0, 0, 0});
        return t.build();
    }

    private static List<Sample> samples(Model m, int n) {
        List<Sample> s = new ArrayList<>();
        for (int k = 0; k < n; k++) s.add(new Sample(TinyNet.unitInput(m, 900 + k), 0));
        return s;
    }

    private static List<String> batchNorms(Model m) {
        List<String> r = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) if (m.node(i).op() instanceof Op.BatchNorm) r.add(m.node(i).name());
        return r;
    }

    /** Mean and population variance per channel of a tensor over the samples, from full forward passes (not the streamed ones under test). */
    private static double[][] measured(Model m, String tensor, List<Sample> samples) {
        int c = m.shapeOf(tensor).c();
        double[] sum = new double[c];
        long n = 0;
        List<double[]> vs = new ArrayList<>();
        for (Sample s : samples) {
            double[] v = Forward.run(m, s.input(), m.size() - 1).get(tensor);
            vs.add(v);
            for (int k = 0; k < v.length; k++) sum[k % c] += v[k];
            n += v.length / c;
        }
        double[] mean = new double[c], var = new double[c];
        for (int k = 0; k < c; k++) mean[k] = sum[k] / n;
        for (double[] v : vs) for (int k = 0; k < v.length; k++) var[k % c] += Math.pow(v[k] - mean[k % c], 2) / n;
        return new double[][] {mean, var};
    }

    /** The model with one batch norm's statistics set to the given ones. */
    private static Model withStats(Model m, String bn, double[] mean, double[] var) {
        Map<String, Tensor> w = new LinkedHashMap<>(m.weights());
        w.put(bn + ".mean", new Tensor(new int[] {mean.length}, f(mean)));
        w.put(bn + ".variance", new Tensor(new int[] {var.length}, f(var)));
        return m.withWeights(w);
    }

    private static float[] f(double[] v) {
        float[] r = new float[v.length];
        for (int k = 0; k < v.length; k++) r[k] = (float) v[k];
        return r;
    }

    @Test
    void perturbedBatchNormsGetTheirStatisticsBackFromTheData() {
        Model m = net();
        List<Sample> ref = samples(m, 16);
        List<String> bns = batchNorms(m);
        assertEquals(2, bns.size());
        // The calibrated model, built one batch norm at a time: the second is measured behind the corrected first.
        Model calibrated = m;
        for (String bn : bns) {
            String in = calibrated.node(calibrated.indexOf(bn)).input();
            double[][] st = measured(calibrated, in, ref);
            calibrated = withStats(calibrated, bn, st[0], st[1]);
        }
        // Perturb both: shift the means, scale the variances.
        Map<String, Tensor> w = new LinkedHashMap<>(calibrated.weights());
        for (String bn : bns) {
            float[] mu = w.get(bn + ".mean").data().clone(), var = w.get(bn + ".variance").data().clone();
            for (int k = 0; k < mu.length; k++) {
                mu[k] += 0.4f * (k % 2 == 0 ? 1 : -1);
                var[k] *= 3f;
            }
            w.put(bn + ".mean", new Tensor(new int[] {mu.length}, mu));
            w.put(bn + ".variance", new Tensor(new int[] {var.length}, var));
        }
        Model perturbed = calibrated.withWeights(w);
        Model back = BatchNormReestimation.reestimate(perturbed, ref);
        for (String bn : bns) {
            assertArrayEquals(calibrated.weight(bn + ".mean").data(), back.weight(bn + ".mean").data(), 1e-5f, bn + " mean");
            assertArrayEquals(calibrated.weight(bn + ".variance").data(), back.weight(bn + ".variance").data(), 1e-5f, bn + " variance");
        }
        // Nothing else changed: same graph, every other weight bit for bit.
        assertEquals(perturbed.nodes(), back.nodes());
        for (Map.Entry<String, Tensor> e : perturbed.weights().entrySet()) {
            if (e.getKey().endsWith(".mean") || e.getKey().endsWith(".variance")) continue;
            assertArrayEquals(e.getValue().data(), back.weight(e.getKey()).data(), e.getKey());
        }
        // And the function is the calibrated one again (it was not before).
        boolean perturbedDiffers = false;
        for (int s = 0; s < 4; s++) {
            Tensor x = TinyNet.unitInput(m, 40 + s);
            Tensor want = JAVA.runWhole(calibrated, x);
            assertTrue(want.maxAbsDiff(JAVA.runWhole(back, x)) <= 1e-4 * Math.max(1, want.maxAbs()));
            perturbedDiffers |= want.maxAbsDiff(JAVA.runWhole(perturbed, x)) > 1e-2;
        }
        assertTrue(perturbedDiffers, "the perturbation should change the output");
        // On its own samples each batch norm's output now has mean beta per channel.
        for (String bn : bns) {
            double[] mean = measured(back, bn, ref)[0];
            float[] beta = back.weight(bn + ".beta").data();
            for (int k = 0; k < beta.length; k++) assertEquals(beta[k], mean[k], 1e-5, bn + " channel " + k);
        }
    }

    @Test
    void aModelWithoutBatchNormIsReturnedAsItIs() {
        TinyNet t = new TinyNet(6, 6, 1, 4);
        t.dense(t.flatten(t.relu(t.conv("input", 3, Padding.SAME, 4))), 3, null, null);
        Model m = t.build();
        assertSame(m, BatchNormReestimation.reestimate(m, samples(m, 5)));
        // Folded batch norms are gone too: re-estimation cannot touch them.
        Model folded = BatchNormFolding.fold(net());
        assertTrue(batchNorms(folded).isEmpty());
        assertSame(folded, BatchNormReestimation.reestimate(folded, samples(folded, 5)));
    }

    @Test
    void inTheLoopItChangesNothingForAModelWithoutBatchNormAndRecalibratesOneWithIt() {
        // Without batch norm: the same steps, accuracies and final weights with and without the option.
        TinyNet t = new TinyNet(8, 8, 1, 6);
        String x = t.relu(t.conv("input", 3, 3, 1, Padding.SAME, 6, 1, null, new float[] {0.1f, 0, -0.1f, 0.2f, 0, 0.05f}));
        x = t.relu(t.conv(x, 3, 3, 1, Padding.SAME, 6, 1, null, new float[6]));
        t.dense(t.flatten(x), 3, null, new float[3]);
        Model plain = t.build();
        List<Sample> val = samples(plain, 20), ref = samples(plain, 6);
        PruningConfig cfg = PruningConfig.fixed(0.3, 0.5, Double.NaN);
        PruningLoop.Result off = new PruningLoop(new L1Criterion(), ref, new JavaEvaluator(labelled(plain, val)), null, cfg, null).run(plain);
        PruningLoop.Result on = new PruningLoop(new L1Criterion(), ref, new JavaEvaluator(labelled(plain, val)), null, cfg.withBnReestimate(true), null).run(plain);
        assertEquals(off.steps().size(), on.steps().size());
        for (int i = 0; i < off.steps().size(); i++) {
            assertEquals(off.steps().get(i).valAccuracy(), on.steps().get(i).valAccuracy());
            assertEquals(off.steps().get(i).flops(), on.steps().get(i).flops());
        }
        for (Map.Entry<String, Tensor> e : off.model().weights().entrySet()) assertArrayEquals(e.getValue().data(), on.model().weight(e.getKey()).data());

        // With batch norm: the result is folded, and its conv biases differ from plain pruning's.
        Model m = net();
        List<Sample> v2 = labelled(m, samples(m, 20));
        PruningLoop.Result a = new PruningLoop(new L1Criterion(), samples(m, 6), new JavaEvaluator(v2), null, cfg, null).run(m);
        PruningLoop.Result b = new PruningLoop(new L1Criterion(), samples(m, 6), new JavaEvaluator(v2), null, cfg.withBnReestimate(true), null).run(m);
        assertTrue(batchNorms(b.model()).isEmpty(), "the result has its batch norms folded");
        assertEquals(2, batchNorms(b.withBatchNorms()).size(), "and keeps them for fine-tuning");
        Model refolded = BatchNormFolding.fold(b.withBatchNorms());
        for (Map.Entry<String, Tensor> e : b.model().weights().entrySet()) assertArrayEquals(e.getValue().data(), refolded.weight(e.getKey()).data());
        assertSame(a.model(), a.withBatchNorms(), "without the option the loop holds the folded model");
        String conv = b.model().node(0).name();
        boolean differs = false;
        float[] ba = a.model().weight(conv + ".bias").data(), bb = b.model().weight(conv + ".bias").data();
        for (int k = 0; k < ba.length; k++) differs |= Math.abs(ba[k] - bb[k]) > 1e-4;
        assertTrue(differs, "re-estimated statistics end up in the folded biases");
    }

    /** The inputs labelled with the model's own answers. */
    private static List<Sample> labelled(Model m, List<Sample> xs) {
        List<Sample> r = new ArrayList<>();
        for (Sample s : xs) {
            float[] y = JAVA.runWhole(m, s.input()).data();
            int best = 0;
            for (int c = 1; c < y.length; c++) if (y[c] > y[best]) best = c;
            r.add(new Sample(s.input(), best));
        }
        return r;
    }
}
