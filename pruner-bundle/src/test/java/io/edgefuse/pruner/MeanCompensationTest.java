package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.Padding;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeanCompensationTest {
    private static final JavaExecutor JAVA = new JavaExecutor();

    /**
     * conv0 (4 filters, VALID; filter 2 has zero weights and bias 0.7, so it outputs 0.7 everywhere) -> relu
     * -> conv2 (5 filters, VALID, no bias) -> relu -> flatten -> dense (3). No padding: a channel's mean
     * contribution is the same at every output position.
     */
    private static Model net() {
        TinyNet t = new TinyNet(7, 7, 1, 5);
        float[] w = Tensor.random(9, -0.5f, 0.5f, 3, 3, 1, 4).data();
        for (int k = 2; k < w.length; k += 4) w[k] = 0;
        String c0 = t.conv("input", 3, 3, 1, Padding.VALID, 4, 1, w, new float[] {0.1f, -0.05f, 0.7f, 0.02f});
        String c1 = t.conv(t.relu(c0), 3, Padding.VALID, 5);
        t.dense(t.flatten(t.relu(c1)), 3, null, new float[] {0, 0, 0});
        Model m = t.build();
        assertEquals(List.of("conv0", "conv2"), List.of(c0, c1));
        return m;
    }

    private static List<Sample> samples(Model m, int n) {
        List<Sample> s = new ArrayList<>();
        for (int k = 0; k < n; k++) s.add(new Sample(TinyNet.unitInput(m, 300 + k), 0));
        return s;
    }

    @Test
    void aConstantChannelRemovedWithCompensationChangesNothing() {
        Model m = net();
        Map<String, Set<Integer>> req = Map.of("conv0", Set.of(2));
        Model plain = FilterRemoval.remove(m, req);
        Model comp = FilterRemoval.remove(MeanCompensation.compensate(m, req, MeanCompensation.means(m, samples(m, 4))), req);
        boolean plainDiffers = false;
        for (long s = 0; s < 5; s++) {
            Tensor x = TinyNet.unitInput(m, 50 + s);
            Tensor a = JAVA.runWhole(m, x);
            assertTrue(a.maxAbsDiff(JAVA.runWhole(comp, x)) <= 1e-5 * Math.max(1, a.maxAbs()), "compensated removal of a constant channel changed the output");
            plainDiffers |= a.maxAbsDiff(JAVA.runWhole(plain, x)) > 1e-3;
        }
        assertTrue(plainDiffers, "removing the constant channel without compensation should change the output");
        // conv2 had no bias: it got one.
        assertTrue(comp.weights().containsKey("conv2.bias"));
    }

    @Test
    void theNextLayersMeanPreActivationIsKept() {
        Model m = net();
        List<Sample> ref = samples(m, 12);
        Map<String, Set<Integer>> req = Map.of("conv0", Set.of(0, 3));
        Model comp = FilterRemoval.remove(MeanCompensation.compensate(m, req, MeanCompensation.means(m, ref)), req);
        Model plain = FilterRemoval.remove(m, req);
        // Over the same samples, conv2's output averaged over samples and positions, per filter, is unchanged.
        double[] before = channelMeans(m, ref), after = channelMeans(comp, ref), without = channelMeans(plain, ref);
        double off = 0;
        for (int k = 0; k < before.length; k++) {
            assertEquals(before[k], after[k], 1e-5, "filter " + k);
            off = Math.max(off, Math.abs(before[k] - without[k]));
        }
        assertTrue(off > 1e-3, "plain removal should move the mean");
    }

    private static double[] channelMeans(Model m, List<Sample> samples) {
        Map<String, double[]> means = MeanCompensation.means(m, samples);
        double[] v = means.get("conv2");
        int c = m.shapeOf("conv2").c();
        double[] r = new double[c];
        for (int j = 0; j < v.length; j++) r[j % c] += v[j] / (v.length / c);
        return r;
    }
}
