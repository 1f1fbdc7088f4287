package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.Padding;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CriteriaTest {

    /**
     * conv0 (4 filters, filter 2 all zero, with bias 0 there) -> ReLU -> conv1 (5 filters, filter 1 zero)
     * -> ReLU -> GAP -> dense with non-negative weights (so no live filter speaks against the class).
     */
    private static Model net() {
        TinyNet t = new TinyNet(6, 6, 3, 11);
        float[] w0 = Tensor.random(1, -0.6f, 0.6f, 3, 3, 3, 4).data();
        for (int k = 2; k < w0.length; k += 4) w0[k] = 0;
        String x = t.relu(t.conv("input", 3, 3, 1, Padding.SAME, 4, 1, w0, new float[] {0.1f, -0.05f, 0f, 0.02f}));
        float[] w1 = Tensor.random(2, -0.4f, 0.6f, 3, 3, 4, 5).data();
        for (int k = 1; k < w1.length; k += 5) w1[k] = 0;
        x = t.relu(t.conv(x, 3, 3, 1, Padding.SAME, 5, 1, w1, null));
        t.dense(t.globalAvgPool(x), 3, Tensor.random(3, 0f, 1f, 5, 3).data(), new float[] {0.1f, 0f, -0.1f});
        return t.build();
    }

    private static List<Sample> samples(Model m, int n) {
        List<Sample> s = new ArrayList<>();
        for (int k = 0; k < n; k++) s.add(new Sample(TinyNet.unitInput(m, 50 + k), k % 3));
        return s;
    }

    @Test
    void l1IsTheSumOfAbsoluteWeightsOfEachFilter() {
        TinyNet t = new TinyNet(4, 4, 2, 1);
        // 1x1 conv, HWIO [1, 1, 2, 3]: filter f has weights (w[0][f], w[1][f]).
        float[] w = {0.5f, -2f, 0.1f, /* input channel 1: */ -0.5f, 1f, 0f};
        String c = t.conv("input", 1, 1, 1, Padding.VALID, 3, 1, w, null);
        t.dense(t.globalAvgPool(c), 2, null, null);
        Model m = t.build();
        FilterScores s = new L1Criterion().score(m, List.of(), 0);
        assertArrayEquals(new double[] {1.0, 3.0, 0.1}, s.scores(c), 1e-6);
        assertEquals(List.of(2, 0, 1), s.ranked().stream().map(FilterScore::filter).toList());
    }

    @Test
    void taylorIsTheSquaredLossDerivativeOfAGateOnEachFilterAveragedOverSamples() {
        Model m = net();
        List<Sample> samples = samples(m, 3);
        FilterScores s = new TaylorCriterion().score(m, samples, 0);
        for (String conv : List.of("conv0", "conv2")) {
            int filters = s.scores(conv).length;
            double[] expected = new double[filters];
            for (Sample x : samples) {
                for (int f = 0; f < filters; f++) {
                    // A gate g on filter f's output = scaling its weights and bias by g; central difference at g = 1.
                    double h = 1e-4;
                    double d = (loss(gated(m, conv, f, 1 + h), x) - loss(gated(m, conv, f, 1 - h), x)) / (2 * h);
                    expected[f] += d * d / samples.size();
                }
            }
            double[] got = s.scores(conv);
            for (int f = 0; f < filters; f++) assertEquals(expected[f], got[f], 1e-6 + 1e-3 * Math.abs(expected[f]), conv + " filter " + f);
        }
        assertEquals(0, s.scores("conv0")[2], 1e-15);
        assertEquals(0, s.scores("conv2")[1], 1e-15);
    }

    @Test
    void deadFiltersRankFirstForEveryDataOrWeightCriterion() {
        Model m = net();
        for (Criterion c : List.of(new LrpCriterion(LrpConfig.defaults()), Criterion.named("l1", 0), Criterion.named("taylor", 0))) {
            List<FilterScore> ranked = c.score(m, samples(m, 6), 0).normalised().ranked();
            assertEquals(Set.of("conv0:2", "conv2:1"), Set.of(key(ranked.get(0)), key(ranked.get(1))), c.name() + " " + ranked);
            assertTrue(ranked.get(2).score() > 0, c.name() + ": only the dead filters score 0: " + ranked);
        }
        // alpha2-beta1 (the pruning default) gives a filter whose output mostly inhibits the true class a
        // negative score: those rank before the dead filters, which score exactly 0, and everything else after.
        List<FilterScore> ranked = Criterion.named("lrp", 0).score(m, samples(m, 6), 0).normalised().ranked();
        int firstDead = -1;
        for (int i = 0; i < ranked.size(); i++) {
            FilterScore f = ranked.get(i);
            if (Set.of("conv0:2", "conv2:1").contains(key(f))) {
                assertEquals(0, f.score(), 1e-15, key(f));
                if (firstDead < 0) firstDead = i;
            } else {
                assertTrue(f.score() != 0, "only the dead filters score 0: " + ranked);
            }
        }
        for (int i = 0; i < ranked.size(); i++) assertEquals(i < firstDead, ranked.get(i).score() < 0, "negative scores rank first: " + ranked);
    }

    @Test
    void randomIsSeededAndDrawsAfreshEachStep() {
        Model m = net();
        Criterion r = Criterion.named("random", 7);
        double[] a = r.score(m, List.of(), 0).scores("conv0"), b = r.score(m, List.of(), 0).scores("conv0");
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, r.score(m, List.of(), 1).scores("conv0")));
        assertFalse(java.util.Arrays.equals(a, Criterion.named("random", 8).score(m, List.of(), 0).scores("conv0")));
        for (double v : a) assertTrue(v > 0 && v <= 1);
    }

    @Test
    void unknownCriterionIsRejectedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Criterion.named("hrank", 0));
        assertTrue(e.getMessage().contains("lrp, l1, taylor, random"), e.getMessage());
        for (String n : Criterion.NAMES) assertEquals(n, Criterion.named(n, 0).name());
        assertNotEquals(0, Criterion.NAMES.size());
    }

    private static String key(FilterScore s) {
        return s.node() + ":" + s.filter();
    }

    private static double loss(Model m, Sample s) {
        return Gradient.of(m, s.input(), s.label()).loss();
    }

    private static Model gated(Model m, String conv, int filter, double g) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        m.weights().forEach((k, v) -> w.put(k, v.copy()));
        Tensor k = w.get(conv + ".weight");
        int co = k.dim(3);
        for (int i = filter; i < k.size(); i += co) k.data()[i] *= (float) g;
        Tensor b = w.get(conv + ".bias");
        if (b != null) b.data()[filter] *= (float) g;
        return m.withWeights(w);
    }
}
