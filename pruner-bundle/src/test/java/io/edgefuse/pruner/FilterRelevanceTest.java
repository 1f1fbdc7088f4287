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
}
