package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.Padding;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ranking options (normalisation, per-FLOP cost, layer floor) on scores given by hand. */
class GlobalRankingTest {
    /**
     * conv0 (4 filters, 8x8) -> relu -> conv2 (8 filters, 8x8) -> relu -> pool 2 -> conv5 (8 filters, 4x4) -> relu -> GAP -> dense,
     * named conv0, conv2 and conv5 by the builder.
     */
    private static Model net() {
        TinyNet t = new TinyNet(8, 8, 1, 7);
        String c0 = t.conv("input", 3, Padding.SAME, 4);
        String c1 = t.conv(t.relu(c0), 3, Padding.SAME, 8);
        String c2 = t.conv(t.pool(true, t.relu(c1), 2, 2, Padding.VALID), 3, Padding.SAME, 8);
        t.dense(t.globalAvgPool(t.relu(c2)), 3, null, null);
        Model m = t.build();
        assertEquals(List.of(c0, c1, c2), List.of("conv0", "conv2", "conv5"));
        return m;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void eachNormalisationPutsALayerOnItsOwnScale() {
        double[] v = {1, 2, 3, 6};
        assertArrayEquals(new double[] {1 / 12.0, 2 / 12.0, 3 / 12.0, 6 / 12.0}, Normalisation.SUM.apply(v), 1e-12);
        assertArrayEquals(new double[] {1 / 3.0, 2 / 3.0, 1, 2}, Normalisation.MEAN.apply(v), 1e-12);
        double l2 = Math.sqrt(1 + 4 + 9 + 36);
        assertArrayEquals(new double[] {1 / l2, 2 / l2, 3 / l2, 6 / l2}, Normalisation.L2.apply(v), 1e-12);
        // Negative scores dominating: divided by the statistic of |v|, order kept.
        assertArrayEquals(new double[] {-1.5, 0.5}, Normalisation.MEAN.apply(new double[] {-6, 2}), 1e-12);
        assertArrayEquals(new double[] {0, 0}, Normalisation.L2.apply(new double[] {0, 0}), 0);
        assertEquals(Normalisation.L2, Normalisation.named("l2"));
        assertThrows(IllegalArgumentException.class, () -> Normalisation.named("max"));
    }

    @Test
    void sumMakesWideLayersCheapMeanDoesNot() {
        Model m = net();
        // Every filter of every layer scores the same raw value: no filter is less important than another.
        FilterScores s = FilterScores.of(Map.of("conv0", filled(4, 5), "conv2", filled(8, 5), "conv5", filled(8, 5)));
        GlobalRanking sum = GlobalRanking.of(m, s, RankingConfig.sum(), Map.of());
        // Sum: conv0's filters score 1/4, the 8-wide layers' 1/8, so the first 14 units are all from the wide layers.
        for (GlobalRanking.Unit u : sum.units().subList(0, 14)) assertTrue(!u.conv().equals("conv0"), u.toString());
        GlobalRanking mean = GlobalRanking.of(m, s, new RankingConfig(Normalisation.MEAN, false, 0), Map.of());
        for (GlobalRanking.Unit u : mean.units()) assertEquals(1.0, u.score(), 1e-12);
    }

    @Test
    void costAwareRanksTheFilterThatSavesMoreFlopsFirstAtEqualScore() {
        Model m = net();
        FilterScores s = FilterScores.of(Map.of("conv0", filled(4, 1), "conv2", filled(8, 1), "conv5", filled(8, 1)));
        GlobalRanking g = GlobalRanking.of(m, s, new RankingConfig(Normalisation.MEAN, true, 0), Map.of());
        // conv0's filter: 8x8x(3x3x1) of its own + its input slice of conv2, 8x8x(3x3x8), the most; conv5's (4x4, GAP, dense) the fewest.
        long total = m.totalCost().flops();
        long c0 = total - FilterRemoval.remove(m, Map.of("conv0", Set.of(0))).totalCost().flops();
        long c1 = total - FilterRemoval.remove(m, Map.of("conv2", Set.of(0))).totalCost().flops();
        long c2 = total - FilterRemoval.remove(m, Map.of("conv5", Set.of(0))).totalCost().flops();
        assertTrue(c0 > c1 && c1 > c2, c0 + " " + c1 + " " + c2);
        assertEquals("conv0", g.units().get(0).conv());
        assertEquals("conv5", g.units().get(g.units().size() - 1).conv());
        // Score x relative cost is the normalised score (1) for every unit.
        double mean = (c0 + c1 + c2) / 3.0;
        for (GlobalRanking.Unit u : g.units()) {
            long c = u.conv().equals("conv0") ? c0 : u.conv().equals("conv2") ? c1 : c2;
            assertEquals(1.0, u.score() * c / mean, 1e-9);
        }
    }

    @Test
    void aLayerFloorKeepsThatShareOfTheOriginalWidth() {
        Model m = net();
        // conv5's score is all on one filter (as LRP's often is): without a floor it would lose all the others.
        double[] low = {0, 0, 0, 0, 0, 0, 0, 1};
        FilterScores s = FilterScores.of(Map.of("conv0", filled(4, 1), "conv2", filled(8, 1), "conv5", low));
        RankingConfig none = new RankingConfig(Normalisation.MEAN, false, 0);
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6), GlobalRanking.of(m, s, none, Map.of()).lowest(7).get("conv5"));
        // Floor 0.5 of an original width of 8: 4 must stay, the next-lowest units come from other layers.
        GlobalRanking floor = GlobalRanking.of(m, s, new RankingConfig(Normalisation.MEAN, false, 0.5), Map.of("conv5", 8));
        Map<String, Set<Integer>> r = floor.lowest(7);
        assertEquals(Set.of(0, 1, 2, 3), r.get("conv5"));
        assertEquals(7, r.values().stream().mapToInt(Set::size).sum());
        assertEquals((4 - 2) + (8 - 4) + (8 - 4), floor.removable()); // convs missing from originalWidths count with their current width
        // The floor counts against the original width: a conv already pruned to 5 of 8 may lose one more.
        Model pruned = FilterRemoval.remove(m, Map.of("conv5", Set.of(0, 1, 2)));
        FilterScores s5 = FilterScores.of(Map.of("conv0", filled(4, 1), "conv2", filled(8, 1), "conv5", new double[] {0, 0, 0, 0, 1}));
        assertEquals(Set.of(0), GlobalRanking.of(pruned, s5, new RankingConfig(Normalisation.MEAN, false, 0.5), Map.of("conv5", 8)).lowest(4).get("conv5"));
        assertThrows(IllegalArgumentException.class, () -> new RankingConfig(Normalisation.SUM, false, 1.0));
    }
}
