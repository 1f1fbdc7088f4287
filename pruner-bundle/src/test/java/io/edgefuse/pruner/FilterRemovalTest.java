package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.NodeCost;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.plan.PartitionCheck;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.testing.RandomGraphs;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class FilterRemovalTest {
    private static final JavaExecutor JAVA = new JavaExecutor();
    private static final Padding SAME = Padding.SAME;

    @Test
    void zeroedFiltersOfAChainGoWithoutChangingTheOutputAndCostsDropByHand() {
        TinyNet t = new TinyNet(8, 8, 3, 1);
        String c0 = t.conv("input", 3, 3, 1, SAME, 6, 1, null, bias(6));
        String c1 = t.conv(t.relu(c0), 3, 3, 1, SAME, 5, 1, null, bias(5));
        Model m = zeroed(t.build(), Map.of(c0, Set.of(1, 4)));
        Model p = FilterRemoval.remove(m, Map.of(c0, Set.of(1, 4)));
        assertSameOutput(m, p);
        assertArrayEquals(new int[] {3, 3, 3, 4}, p.weight(c0 + ".weight").shape());
        assertArrayEquals(new int[] {3, 3, 4, 5}, p.weight(c1 + ".weight").shape());
        NodeCost before = m.totalCost(), after = p.totalCost();
        // c0 loses 2 filters of 3*3*3 weights and 2 biases; c1 loses 2 input slices of 3*3*5.
        assertEquals(54 + 2 + 90, m.parameterCount() - p.parameterCount());
        assertEquals(54 + 2 + 90, before.params() - after.params());
        // Every 8x8 output position: c0 does 3*3*3 MACs per removed filter, c1 3*3*2 fewer per filter.
        assertEquals(64 * 54 + 64 * 90, before.macs() - after.macs());
    }

    @Test
    void aResidualGroupLosesTheSameFiltersInBothBranches() {
        TinyNet t = new TinyNet(8, 8, 3, 2);
        String c0 = t.conv("input", 3, 3, 1, SAME, 4, 1, null, bias(4));
        String branch = t.conv(t.relu(c0), 3, 3, 1, SAME, 4, 1, null, bias(4));
        String shortcut = t.conv("input", 1, 1, 1, SAME, 4, 1, null, bias(4));
        String add = t.add(branch, shortcut);
        String head = t.conv(t.relu(add), 3, SAME, 3);
        t.dense(t.globalAvgPool(head), 2, null, bias(2));
        Model m = t.build();

        ChannelGroups g = ChannelGroups.of(m);
        assertEquals(List.of(branch, shortcut), g.groupOf(branch).convs());
        assertEquals(List.of(add), g.groupOf(shortcut).ties());
        assertEquals(List.of(c0), g.groupOf(c0).convs());
        assertTrue(g.groupOf(branch).prunable());
        assertTrue(g.groupOf(head).prunable());
    }

    @Test
    void aResidualGroupPrunedThroughOneMemberKeepsTheOutput() {
        Residual r = residual();
        Model m = zeroed(r.model, Map.of(r.branch, Set.of(0, 2), r.shortcut, Set.of(0, 2)));
        Model p = FilterRemoval.remove(m, Map.of(r.branch, Set.of(0, 2)));
        assertSameOutput(m, p);
        assertEquals(2, p.weight(r.shortcut + ".weight").dim(3));
        assertEquals(2, p.weight(r.branch + ".weight").dim(3));
        assertEquals(2, p.weight(r.head + ".weight").dim(2));
        passesPartitionCheck(p);
    }

    @Test
    void zeroInOnlyOneBranchIsNotEnough() {
        // Guards the test above: removing the tied channels really changes the shortcut's output.
        Residual r = residual();
        Model m = zeroed(r.model, Map.of(r.branch, Set.of(0, 2)));
        Model p = FilterRemoval.remove(m, Map.of(r.branch, Set.of(0, 2)));
        Tensor x = RandomGraphs.input(m, 5);
        assertTrue(JAVA.runWhole(m, x).maxAbsDiff(JAVA.runWhole(p, x)) > 1e-3);
    }

    @Test
    void anInconsistentResidualRequestIsRejectedNamingTheAdd() {
        Residual r = residual();
        ModelException e = assertThrows(ModelException.class,
            () -> FilterRemoval.remove(r.model, new LinkedHashMap<>(Map.of(r.branch, Set.of(0), r.shortcut, Set.of(1)))));
        assertTrue(e.getMessage().contains(r.add), e.getMessage());
    }

    @Test
    void batchNormEntriesGoWithTheirChannels() {
        TinyNet t = new TinyNet(7, 7, 2, 3);
        String c0 = t.conv("input", 3, 3, 1, SAME, 5, 1, null, bias(5));
        String bn = t.batchNorm(c0);
        String c1 = t.conv(t.relu(bn), 3, 3, 2, SAME, 4, 1, null, bias(4));
        Model m = zeroed(t.build(), Map.of(c0, Set.of(0, 3)));
        // BN of a zero channel is beta - mean * gamma / sigma; zero mean and beta make the channel dead.
        m = withEntries(m, bn, Set.of(0, 3), ".mean", ".beta");
        Model p = FilterRemoval.remove(m, Map.of(c0, Set.of(0, 3)));
        assertSameOutput(m, p);
        assertEquals(3, p.weight(bn + ".gamma").size());
        assertEquals(m.weight(bn + ".variance").data()[4], p.weight(bn + ".variance").data()[2]);
        assertEquals(3, p.weight(c1 + ".weight").dim(2));
        passesPartitionCheck(p);
    }

    @Test
    void flattenDropsTheRowsOfRemovedChannelsAtEveryPosition() {
        TinyNet t = new TinyNet(5, 5, 2, 4);
        String c0 = t.conv("input", 3, 3, 1, Padding.VALID, 4, 1, null, bias(4));
        String d = t.dense(t.flatten(c0), 3, null, bias(3));
        Model m = zeroed(t.build(), Map.of(c0, Set.of(1, 3)));
        Model p = FilterRemoval.remove(m, Map.of(c0, Set.of(1, 3)));
        assertSameOutput(m, p);
        assertArrayEquals(new int[] {18, 3}, p.weight(d + ".weight").shape());
        // Row (h * W + w) * C + c: position (1, 2), kept channel 2 (new index 1) was row (1*3+2)*4+2 = 22.
        assertEquals(m.weight(d + ".weight").data()[22 * 3 + 1], p.weight(d + ".weight").data()[((1 * 3 + 2) * 2 + 1) * 3 + 1]);
    }

    @Test
    void globalAveragePoolDropsOneDenseRowPerChannel() {
        TinyNet t = new TinyNet(6, 6, 2, 5);
        String c0 = t.conv("input", 3, 3, 1, SAME, 5, 1, null, bias(5));
        String d = t.dense(t.globalAvgPool(t.relu(c0)), 3, null, bias(3));
        Model m = zeroed(t.build(), Map.of(c0, Set.of(0, 4)));
        Model p = FilterRemoval.remove(m, Map.of(c0, Set.of(0, 4)));
        assertSameOutput(m, p);
        assertArrayEquals(new int[] {3, 3}, p.weight(d + ".weight").shape());
    }

    @Test
    void concatShiftsTheSecondInputsChannelsByTheFirstsWidth() {
        TinyNet t = new TinyNet(6, 6, 3, 6);
        String a = t.conv("input", 1, 1, 1, SAME, 3, 1, null, bias(3));
        String b = t.conv("input", 3, 3, 1, SAME, 4, 1, null, bias(4));
        String c = t.conv(t.relu(t.concat(a, b)), 3, 3, 1, SAME, 3, 1, null, bias(3));
        t.dense(t.globalAvgPool(c), 2, null, bias(2));
        Map<String, Set<Integer>> gone = Map.of(a, Set.of(1), b, Set.of(0, 3));
        Model m = zeroed(t.build(), gone);
        Model p = FilterRemoval.remove(m, gone);
        assertSameOutput(m, p);
        assertEquals(4, p.weight(c + ".weight").dim(2));
        passesPartitionCheck(p);
    }

    @Test
    void depthwiseAndReorgFollowTheirProducer() {
        TinyNet t = new TinyNet(8, 8, 2, 7);
        String c0 = t.conv("input", 3, 3, 1, SAME, 4, 1, null, bias(4));
        String dw = t.conv(t.relu(c0), 3, 3, 1, SAME, 4, 4, null, null);
        String c1 = t.conv(t.reorg(dw), 1, 1, 1, SAME, 3, 1, null, bias(3));
        t.dense(t.flatten(c1), 2, null, null);
        Model m = zeroed(t.build(), Map.of(c0, Set.of(2)));
        Model p = FilterRemoval.remove(m, Map.of(c0, Set.of(2)));
        assertSameOutput(m, p);
        assertArrayEquals(new int[] {3, 3, 1, 3}, p.weight(dw + ".weight").shape());
        assertEquals(12, p.weight(c1 + ".weight").dim(2));
        assertThrows(ModelException.class, () -> ChannelGroups.of(m).groupOf(dw));
    }

    @Test
    void aDepthwiseMultiplierBlocksItsProducer() {
        TinyNet t = new TinyNet(6, 6, 2, 8);
        String c0 = t.conv("input", 3, 3, 1, SAME, 3, 1, null, bias(3));
        t.globalAvgPool(t.conv(c0, 3, 3, 1, SAME, 6, 3, null, null));
        Model m = t.build();
        ChannelGroups.Group g = ChannelGroups.of(m).groupOf(c0);
        assertFalse(g.prunable());
        assertTrue(g.reason().contains("multiplier 2"), g.reason());
        assertTrue(g.removable().isEmpty());
        ModelException e = assertThrows(ModelException.class, () -> FilterRemoval.remove(m, Map.of(c0, Set.of(0))));
        assertTrue(e.getMessage().contains("multiplier"), e.getMessage());
    }

    @Test
    void removingEveryFilterIsAnError() {
        TinyNet t = new TinyNet(6, 6, 2, 9);
        String c0 = t.conv("input", 3, 3, 1, SAME, 3, 1, null, bias(3));
        t.dense(t.globalAvgPool(c0), 2, null, null);
        Model m = t.build();
        ModelException e = assertThrows(ModelException.class, () -> FilterRemoval.remove(m, Map.of(c0, Set.of(0, 1, 2))));
        assertTrue(e.getMessage().contains("all 3 filters") && e.getMessage().contains(c0), e.getMessage());
    }

    @Test
    void theModelOutputKeepsItsChannels() {
        TinyNet t = new TinyNet(6, 6, 2, 10);
        String c0 = t.conv("input", 3, 3, 1, SAME, 3, 1, null, bias(3));
        Model m = t.build();
        assertFalse(ChannelGroups.of(m).groupOf(c0).prunable());
        assertThrows(ModelException.class, () -> FilterRemoval.remove(m, Map.of(c0, Set.of(0))));
    }

    @Test
    void randomGraphsKeepTheirOutputWhenZeroedFiltersOfEveryPrunableGroupGo() {
        int pruned = 0;
        for (long seed = 0; seed < 40; seed++) {
            Model m = deadChannelsStayDead(RandomGraphs.generate(seed));
            SplittableRandom rnd = new SplittableRandom(seed);
            Map<String, Set<Integer>> request = new HashMap<>(), zero = new HashMap<>();
            for (ChannelGroups.Group g : ChannelGroups.of(m).groups()) {
                if (!g.prunable()) continue;
                Set<Integer> s = new TreeSet<>();
                for (int f : g.removable()) if (rnd.nextInt(3) == 0 && s.size() < g.filters() - 1) s.add(f);
                if (s.isEmpty()) continue;
                request.put(g.convs().get(0), s);
                for (String c : g.convs()) zero.put(c, s);
            }
            if (request.isEmpty()) continue;
            Model z = zeroed(m, zero);
            Model p = FilterRemoval.remove(z, request);
            assertSameOutput(z, p);
            assertTrue(p.parameterCount() < z.parameterCount() && p.totalCost().macs() < z.totalCost().macs(), "seed " + seed);
            pruned++;
        }
        assertTrue(pruned >= 15, "too few random graphs had prunable filters: " + pruned);
    }

    @Test
    void prunedModelsPassThePartitionCheck() {
        TinyNet t = new TinyNet(16, 16, 3, 11);
        String c0 = t.conv("input", 3, 3, 1, SAME, 6, 1, null, bias(6));
        String c1 = t.conv(t.pool(true, t.relu(c0), 2, 2, Padding.VALID), 3, 3, 1, SAME, 5, 1, null, bias(5));
        t.dense(t.flatten(t.relu(c1)), 3, null, bias(3));
        Model p = FilterRemoval.remove(t.build(), Map.of(c0, Set.of(0, 5), c1, Set.of(2)));
        passesPartitionCheck(p);
    }

    private record Residual(Model model, String branch, String shortcut, String add, String head) {}

    private static Residual residual() {
        TinyNet t = new TinyNet(12, 12, 3, 2);
        String c0 = t.conv("input", 3, 3, 1, SAME, 4, 1, null, bias(4));
        String branch = t.conv(t.relu(c0), 3, 3, 1, SAME, 4, 1, null, bias(4));
        String shortcut = t.conv("input", 1, 1, 1, SAME, 4, 1, null, bias(4));
        String add = t.add(branch, shortcut);
        String head = t.conv(t.relu(add), 3, 3, 1, SAME, 3, 1, null, bias(3));
        t.dense(t.globalAvgPool(head), 2, null, bias(2));
        return new Residual(t.build(), branch, shortcut, add, head);
    }

    private static void passesPartitionCheck(Model m) {
        List<PartitionCheck.Case> cases = PartitionCheck.run(m, PartitionCheck.testPlans(m, 3, 42), RandomGraphs.input(m, 42), JAVA, d -> JAVA);
        assertFalse(cases.isEmpty());
        for (PartitionCheck.Case c : cases) assertTrue(c.passed(), c.name() + ": relative error " + c.relativeError());
    }

    private static void assertSameOutput(Model a, Model b) {
        for (long s = 0; s < 2; s++) {
            Tensor x = RandomGraphs.input(a, 100 + s);
            Tensor ya = JAVA.runWhole(a, x), yb = JAVA.runWhole(b, x);
            double rel = ya.maxAbsDiff(yb) / Math.max(ya.maxAbs(), 1e-30);
            assertTrue(rel <= 1e-5, "relative error " + rel);
        }
    }

    /** Filter f of each conv (weights and bias) set to zero, so its output channel is zero everywhere. */
    private static Model zeroed(Model m, Map<String, Set<Integer>> filters) {
        Map<String, Tensor> w = copy(m);
        for (Map.Entry<String, Set<Integer>> e : filters.entrySet()) {
            float[] k = w.get(e.getKey() + ".weight").data();
            int cout = w.get(e.getKey() + ".weight").dim(3);
            for (int i = 0; i < k.length; i++) if (e.getValue().contains(i % cout)) k[i] = 0;
            Tensor b = w.get(e.getKey() + ".bias");
            if (b != null) for (int f : e.getValue()) b.data()[f] = 0;
        }
        return m.withWeights(w);
    }

    private static Model withEntries(Model m, String node, Set<Integer> channels, String... keys) {
        Map<String, Tensor> w = copy(m);
        for (String k : keys) for (int c : channels) w.get(node + k).data()[c] = 0;
        return m.withWeights(w);
    }

    /** Zero batch-norm shifts and depthwise biases: a zero channel then stays zero all the way down. */
    private static Model deadChannelsStayDead(Model m) {
        Map<String, Tensor> w = copy(m);
        for (Node n : m.nodes()) {
            if (n.op() instanceof Op.BatchNorm) {
                java.util.Arrays.fill(w.get(n.name() + ".mean").data(), 0f);
                java.util.Arrays.fill(w.get(n.name() + ".beta").data(), 0f);
            } else if (n.op() instanceof Op.Conv2D c && c.groups() > 1 && c.bias()) {
                java.util.Arrays.fill(w.get(n.name() + ".bias").data(), 0f);
            }
        }
        return m.withWeights(w);
    }

    private static Map<String, Tensor> copy(Model m) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        m.weights().forEach((k, v) -> w.put(k, v.copy()));
        return w;
    }

    private static float[] bias(int n) {
        float[] b = new float[n];
        for (int i = 0; i < n; i++) b[i] = 0.05f * (i + 1) - 0.1f;
        return b;
    }
}
