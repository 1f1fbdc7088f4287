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
    void aFlopsPenaltySubtractsLambdaTimesTheRelativeSaving() {
        Model m = net();
        long total = m.totalCost().flops();
        long c0 = total - FilterRemoval.remove(m, Map.of("conv0", Set.of(0))).totalCost().flops();
        long c1 = total - FilterRemoval.remove(m, Map.of("conv2", Set.of(0))).totalCost().flops();
        long c2 = total - FilterRemoval.remove(m, Map.of("conv5", Set.of(0))).totalCost().flops();
        double mean = (c0 + c1 + c2) / 3.0;
        // Equal scores: the filter that saves the most FLOPs goes first, the cheapest last.
        FilterScores equal = FilterScores.of(Map.of("conv0", filled(4, 1), "conv2", filled(8, 1), "conv5", filled(8, 1)));
        GlobalRanking g = GlobalRanking.of(m, equal, new RankingConfig(Normalisation.MEAN, false, 0, 0.3), Map.of());
        assertEquals("conv0", g.units().get(0).conv());
        assertEquals("conv5", g.units().get(g.units().size() - 1).conv());
        for (GlobalRanking.Unit u : g.units()) {
            long c = u.conv().equals("conv0") ? c0 : u.conv().equals("conv2") ? c1 : c2;
            assertEquals(1.0 - 0.3 * c / mean, u.score(), 1e-9);
        }
        // A shift, not a scale: conv0's filter 3 (normalised score 2.8) stays above conv5's filter 0 (0.8) with the
        // penalty, while dividing by the cost (conv0's filter saves over 4x the FLOPs of conv5's) puts it below.
        FilterScores s = FilterScores.of(Map.of("conv0", new double[] {0.4, 0.4, 0.4, 2.8}, "conv2", filled(8, 1),
                "conv5", new double[] {0.8, 1, 1, 1, 1, 1, 1, 1.2}));
        assertTrue(c0 > 4 * c2, c0 + " " + c2);
        GlobalRanking shifted = GlobalRanking.of(m, s, new RankingConfig(Normalisation.MEAN, false, 0, 0.3), Map.of());
        GlobalRanking divided = GlobalRanking.of(m, s, new RankingConfig(Normalisation.MEAN, true, 0), Map.of());
        assertTrue(indexOf(shifted, "conv0", 3) > indexOf(shifted, "conv5", 0));
        assertTrue(indexOf(divided, "conv0", 3) < indexOf(divided, "conv5", 0));
        assertThrows(IllegalArgumentException.class, () -> new RankingConfig(Normalisation.MEAN, true, 0, 0.3));
        assertThrows(IllegalArgumentException.class, () -> new RankingConfig(Normalisation.MEAN, false, 0, -1));
    }

    private static int indexOf(GlobalRanking g, String conv, int filter) {
        for (int i = 0; i < g.units().size(); i++) {
            if (g.units().get(i).conv().equals(conv) && g.units().get(i).filter() == filter) return i;
        }
        throw new AssertionError(conv + " " + filter);
    }

    @Test
    void aResidualGroupsUnitCountsTheSavingOfEveryMember() {
        // c0 -> relu -> branch (3x3, 4) ; shortcut (3x3 on the input, 4) ; add -> relu -> head (3x3, 3) -> GAP -> dense.
        TinyNet t = new TinyNet(8, 8, 1, 11);
        String c0 = t.conv("input", 3, Padding.SAME, 4);
        String branch = t.conv(t.relu(c0), 3, Padding.SAME, 4);
        String shortcut = t.conv("input", 3, Padding.SAME, 4);
        String head = t.conv(t.relu(t.add(branch, shortcut)), 3, Padding.SAME, 3);
        t.dense(t.globalAvgPool(head), 2, null, null);
        Model m = t.build();
        assertEquals(List.of(branch, shortcut), ChannelGroups.of(m).groupOf(branch).convs());
        // Per position (8x8, no biases): one channel of the group is the branch's filter (2 x 3x3x4), the
        // shortcut's (2 x 3x3x1), one channel of the add and of its relu (1 + 1) and the head's input slice (2 x 3x3 x 3).
        long group = 64L * (72 + 18 + 1 + 1 + 54);
        // c0's filter: its own (2 x 3x3x1), its relu (1) and the branch's input slice (2 x 3x3 x 4).
        long first = 64L * (18 + 1 + 72);
        // The head's filter: its own (2 x 3x3x4), the global pool's channel (64 / 64 = 1 per position) and one dense row (2 x 2 in all).
        long last = 64L * (72 + 1) + 4;
        long total = m.totalCost().flops();
        assertEquals(group, total - FilterRemoval.remove(m, Map.of(shortcut, Set.of(0))).totalCost().flops());
        assertEquals(first, total - FilterRemoval.remove(m, Map.of(c0, Set.of(0))).totalCost().flops());
        assertEquals(last, total - FilterRemoval.remove(m, Map.of(head, Set.of(0))).totalCost().flops());
        FilterScores equal = FilterScores.of(Map.of(c0, filled(4, 1), branch, filled(4, 1), shortcut, filled(4, 1), head, filled(3, 1)));
        double mean = (group + first + last) / 3.0;
        for (RankingConfig cfg : List.of(new RankingConfig(Normalisation.MEAN, true, 0), new RankingConfig(Normalisation.MEAN, false, 0, 0.5))) {
            GlobalRanking g = GlobalRanking.of(m, equal, cfg, Map.of());
            // The group's units (named by its first conv) go first, then c0's, then the head's.
            assertEquals(branch, g.units().get(0).conv());
            assertEquals(c0, g.units().get(4).conv());
            assertEquals(head, g.units().get(g.units().size() - 1).conv());
            double expected = cfg.costAware() ? mean / group : 1 - 0.5 * group / mean;
            assertEquals(expected, g.units().get(0).score(), 1e-9);
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
