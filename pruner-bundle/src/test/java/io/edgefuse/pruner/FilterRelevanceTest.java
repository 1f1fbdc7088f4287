package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.Padding;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterRelevanceTest {

    /**
     * conv0 (4 filters, filter 2 all zero) -> ReLU -> conv1 (5 filters, filter 1 all zero) -> ReLU -> GAP
     * -> dense with non-negative weights. The dense weights are non-negative so that no live filter gets
     * negative relevance: with signed weights a filter that speaks against the class scores below zero,
     * below a dead one, which is correct but not what this test is about.
     */
    private static Model net() {
        TinyNet t = new TinyNet(6, 6, 3, 11);
        float[] w0 = Tensor.random(1, -0.6f, 0.6f, 3, 3, 3, 4).data();
        for (int k = 2; k < w0.length; k += 4) w0[k] = 0;
        String x = t.relu(t.conv("input", 3, 3, 1, Padding.SAME, 4, 1, w0, null));
        float[] w1 = Tensor.random(2, -0.4f, 0.6f, 3, 3, 4, 5).data();
        for (int k = 1; k < w1.length; k += 5) w1[k] = 0;
        x = t.relu(t.conv(x, 3, 3, 1, Padding.SAME, 5, 1, w1, null));
        t.dense(t.globalAvgPool(x), 3, Tensor.random(3, 0f, 1f, 5, 3).data(), null);
        return t.build();
    }

    private static List<Sample> samples(Model m) {
        List<Sample> s = new ArrayList<>();
        for (int k = 0; k < 6; k++) s.add(new Sample(TinyNet.unitInput(m, 50 + k), k % 3));
        return s;
    }

    @Test
    void scoresAreRelevanceSummedOverTheMapAndAveragedOverSamples() {
        Model m = net();
        List<Sample> samples = samples(m);
        FilterScores f = FilterRelevance.compute(m, samples, LrpConfig.defaults());
        assertEquals(List.of("conv0", "conv2"), f.layers());
        double[] expected = new double[4];
        for (Sample s : samples) {
            Tensor r = Lrp.relevance(m, s.input(), s.label(), LrpConfig.defaults()).of("conv0");
            for (int k = 0; k < r.size(); k++) expected[k % 4] += r.data()[k] / samples.size();
        }
        assertArrayEquals(expected, f.scores("conv0"), 1e-6);
    }

    @Test
    void zeroFiltersRankLeastRelevantAndEachNormalisedLayerSumsToOne() {
        Model m = net();
        FilterScores raw = FilterRelevance.compute(m, samples(m), LrpConfig.defaults());
        FilterScores norm = raw.normalised();
        for (String layer : norm.layers()) assertEquals(1, Arrays.stream(norm.scores(layer)).sum(), 1e-9, layer);
        for (FilterScores f : List.of(raw, norm)) {
            List<FilterScore> ranked = f.ranked();
            assertEquals(9, ranked.size());
            assertEquals(Set.of(new FilterScore("conv0", 2, 0), new FilterScore("conv2", 1, 0)), Set.of(ranked.get(0), ranked.get(1)));
            assertTrue(ranked.get(2).score() > 0, "only the zero filters score 0: " + ranked);
            for (int k = 1; k < ranked.size(); k++) assertTrue(ranked.get(k - 1).score() <= ranked.get(k).score());
        }
    }
    /** conv0 -> relu -> conv2 -> relu -> max pool -> conv5 (reads the pool) -> relu -> GAP -> dense, signed weights. */
    private static Model pooled() {
        TinyNet t = new TinyNet(8, 8, 2, 23);
        String x = t.relu(t.conv("input", 3, Padding.SAME, 6));
        x = t.relu(t.conv(x, 3, Padding.SAME, 6));
        x = t.pool(true, x, 2, 2, Padding.VALID);
        x = t.relu(t.conv(x, 3, Padding.SAME, 5));
        t.dense(t.globalAvgPool(x), 4, null, null);
        Model m = t.build();
        assertEquals("maxpool4", m.node(m.indexOf("conv5")).input());
        return m;
    }

    @Test
    void absoluteAggregationAveragesTheMagnitudesOfEachSamplesSums() {
        Model m = pooled();
        List<Sample> samples = new ArrayList<>();
        for (int k = 0; k < 8; k++) samples.add(new Sample(TinyNet.unitInput(m, 70 + k), k % 4));
        LrpConfig cfg = LrpConfig.forPruning();
        double[] abs = new double[6], signed = new double[6];
        for (Sample s : samples) {
            double[] v = Lrp.relevance(m, s.input(), s.label(), cfg).channelSums("conv2");
            for (int k = 0; k < 6; k++) {
                abs[k] += Math.abs(v[k]) / samples.size();
                signed[k] += v[k] / samples.size();
            }
        }
        assertArrayEquals(abs, FilterRelevance.compute(m, samples, cfg, FilterRelevance.Aggregation.ABSOLUTE).scores("conv2"), 1e-9);
        assertArrayEquals(signed, FilterRelevance.compute(m, samples, cfg).scores("conv2"), 1e-9);
        // alpha2-beta1 with signed dense weights: some filter is for some samples and against others, so the two differ.
        assertTrue(!Arrays.equals(abs, signed), Arrays.toString(signed));
        assertEquals(FilterRelevance.Aggregation.ABSOLUTE, FilterRelevance.Aggregation.named("absolute"));
    }

    @Test
    void contrastiveStartIsTheTrueClassAgainstTheSoftmaxWeightedOthers() {
        Model m = pooled();
        Tensor in = TinyNet.unitInput(m, 5);
        LrpConfig cfg = LrpConfig.forPruning();
        Relevance one = Lrp.relevance(m, in, 2, cfg);
        Relevance contrast = Lrp.relevance(m, in, 2, cfg.withStart(LrpConfig.Start.CONTRASTIVE));
        String logits = one.startNode();
        double[] z = Forward.run(m, in, m.indexOf(logits)).get(logits);
        double[] p = new double[z.length];
        double sum = 0;
        for (int k = 0; k < z.length; k++) sum += p[k] = Math.exp(z[k]);
        double[] start = new double[z.length];
        for (int k = 0; k < z.length; k++) start[k] = (k == 2 ? 1 : 0) - p[k] / sum;
        assertArrayEquals(start, contrast.channelSums(logits), 1e-9);
        // Every rule is linear in the relevance it gets, so the contrastive relevance anywhere is the true class's
        // minus the softmax-weighted relevances of every class.
        double[] expected = one.channelSums("conv2");
        for (int k = 0; k < z.length; k++) {
            double[] rk = Lrp.relevance(m, in, k, cfg).channelSums("conv2");
            for (int f = 0; f < rk.length; f++) expected[f] -= p[k] / sum * rk[f];
        }
        assertArrayEquals(expected, contrast.channelSums("conv2"), 1e-9);
    }

    @Test
    void anAfterPoolRuleAppliesExactlyToTheConvsThatReadAPool() {
        Model m = pooled();
        Tensor in = TinyNet.unitInput(m, 9);
        LrpConfig ab = LrpConfig.forPruning(), zp = LrpConfig.defaults(), composite = ab.withAfterPool(LrpConfig.ConvRule.Z_PLUS);
        // conv5 reads the pool and is the last conv: its output relevance is the dense layer's either way, so below it
        // the composite equals z+ and not alpha2-beta1.
        Relevance c = Lrp.relevance(m, in, 1, composite);
        assertArrayEquals(Lrp.relevance(m, in, 1, zp).channelSums("maxpool4"), c.channelSums("maxpool4"), 1e-12);
        assertTrue(!Arrays.equals(Lrp.relevance(m, in, 1, ab).channelSums("maxpool4"), c.channelSums("maxpool4")));
        // conv2 reads a ReLU: with the same relevance above it, it applies alpha2-beta1, so below it the composite
        // differs from z+ everywhere (a z+ pass from conv2's relevance would stay non-negative; alpha2-beta1 need not).
        double[] below = c.channelSums("conv0"), zBelow = Lrp.relevance(m, in, 1, zp).channelSums("conv0");
        assertTrue(!Arrays.equals(below, zBelow));
        assertEquals(ab.withAfterPool(null), ab);
    }
}
