package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.plan.PartitionCheck;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.testing.RandomGraphs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PruningLoopTest {
    private static final JavaExecutor JAVA = new JavaExecutor();

    /**
     * A VGG-like chain: conv(8) with 3 dead filters -> relu -> pool -> conv(6) with 2 dead -> relu ->
     * conv(6) -> relu -> GAP -> dense 4. Dead = zero weights and bias, so removing them changes nothing.
     */
    private static Model chain() {
        TinyNet t = new TinyNet(10, 10, 1, 3);
        String x = t.relu(t.conv("input", 3, 3, 1, Padding.SAME, 8, 1, dead(Tensor.random(4, -0.5f, 0.5f, 3, 3, 1, 8).data(), 8, 1, 4, 6), bias(8, 1, 4, 6)));
        x = t.pool(true, x, 2, 2, Padding.VALID);
        x = t.relu(t.conv(x, 3, 3, 1, Padding.SAME, 6, 1, dead(Tensor.random(5, -0.3f, 0.3f, 3, 3, 8, 6).data(), 6, 0, 3), bias(6, 0, 3)));
        x = t.relu(t.conv(x, 3, 3, 1, Padding.SAME, 6, 1, null, bias(6)));
        // Flatten, not global pooling: the answer depends on where things are, so inputs get different classes.
        String head = t.dense(t.flatten(x), 4, null, bias(4));
        return centred(t.build(), head);
    }

    /** The head's bias set to minus the mean logit over random inputs, so that answers spread over the classes. */
    private static Model centred(Model m, String dense) {
        float[] mean = new float[4];
        for (int k = 0; k < 50; k++) {
            float[] y = JAVA.runWhole(m, TinyNet.unitInput(m, 7000 + k)).data();
            for (int c = 0; c < 4; c++) mean[c] += y[c] / 50;
        }
        Map<String, Tensor> w = copy(m);
        float[] b = w.get(dense + ".bias").data();
        for (int c = 0; c < 4; c++) b[c] -= mean[c];
        return m.withWeights(w);
    }

    /** Inputs labelled with the model's own answer: the original scores 100%, any change shows. */
    private static List<Sample> selfLabelled(Model m, int n, long seed) {
        List<Sample> s = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Tensor x = TinyNet.unitInput(m, seed + k);
            float[] y = JAVA.runWhole(m, x).data();
            int best = 0;
            for (int c = 1; c < y.length; c++) if (y[c] > y[best]) best = c;
            s.add(new Sample(x, best));
        }
        return s;
    }

    @Test
    void adaptiveRateGrowsAfterGoodStepsAndShrinksAndUndoesABadOne() {
        Model m = chain();
        List<Sample> val = selfLabelled(m, 60, 100);
        PruningConfig cfg = new PruningConfig(true, 0.2, 1.5, 0.5, 1.0, 0.0, 0.85, Double.NaN, List.of(), 100);
        List<PruningStep> seen = new ArrayList<>();
        PruningLoop.Result r = new PruningLoop(new L1Criterion(), selfLabelled(m, 10, 7), new JavaEvaluator(val), null, cfg,
                new PruningListener() {
                    @Override
                    public void step(PruningStep s) {
                        seen.add(s);
                    }
                }).run(m);
        List<PruningStep> steps = r.steps();
        assertEquals(steps, seen, "every step is reported as it happens");
        assertEquals(1.0, steps.get(0).valAccuracy());
        assertTrue(val.stream().map(Sample::label).distinct().count() >= 3, "the validation set has several classes");
        // L1 ranks the 5 dead filters first: the first steps only remove them, lose nothing and grow r.
        assertTrue(steps.get(1).accepted() && steps.get(1).valAccuracy() == 1.0, steps.toString());
        assertEquals(0.2 * 1.5, steps.get(2).rate(), 1e-12);
        int undone = -1;
        for (int i = 1; i < steps.size(); i++) if (!steps.get(i).accepted()) { undone = i; break; }
        assertTrue(undone > 0, "removing live filters with tolerance 0 must be undone once: " + steps);
        PruningStep bad = steps.get(undone), next = steps.get(undone + 1);
        assertTrue(bad.valAccuracy() < steps.get(undone - 1).valAccuracy(), "undone because accuracy fell");
        assertTrue(next.rate() < bad.rate(), "rate shrinks after an undone step");
        assertEquals(Math.max(bad.rate() * 0.5, 1.0 / bad.filters()), next.rate(), 1e-12);
        // Undone for real: the next step starts from the model before the bad one.
        PruningStep before = steps.get(undone - 1);
        assertEquals(before.filters(), bad.filters());
        assertEquals(before.filters() - (next.accepted() ? next.removed() : 0), next.filters());
        // Every accepted step stayed within the tolerance unless it was a one-filter step.
        double acc = 1.0;
        for (PruningStep s : steps.subList(1, steps.size())) {
            if (s.accepted()) {
                assertTrue(s.valAccuracy() >= acc || s.removed() == 1, s.toString());
                acc = s.valAccuracy();
            }
        }
        assertTrue(r.flopsRemoved() >= 0.85 - 1e-9, "stops at the FLOPs target: " + r.stopReason());
        assertEquals(r.last().accuracy(), new JavaEvaluator(val).evaluate(r.model()).accuracy());
    }

    @Test
    void fixedRateNeverUndoesAndLandsOnTheFlopsTarget() {
        Model m = chain();
        List<Sample> val = selfLabelled(m, 30, 100);
        PruningLoop.Result r = new PruningLoop(Criterion.named("random", 3), List.of(), new JavaEvaluator(val), null,
                PruningConfig.fixed(0.25, 0.5, Double.NaN), null).run(m);
        for (PruningStep s : r.steps()) assertTrue(s.accepted());
        List<PruningStep> st = r.steps();
        assertTrue(st.get(st.size() - 1).flopsRemoved() >= 0.5 - 1e-9);
        assertTrue(st.get(st.size() - 2).flopsRemoved() < 0.5, "stopped at the first step past the target");
        // Clipped: one filter less in the last step would not have reached the target.
        assertTrue(r.flopsRemoved() < 0.62, "the last step is clipped, not a full 25%: " + r.flopsRemoved());
        assertEquals(r.model().totalCost().flops(), st.get(st.size() - 1).flops());
        assertEquals(r.model().parameterCount(), st.get(st.size() - 1).params());
        passesPartitionCheck(r.model());
    }

    @Test
    void accuracyBudgetStopsBeforeTheDropExceedsIt() {
        Model m = chain();
        List<Sample> val = selfLabelled(m, 40, 300);
        PruningLoop.Result r = new PruningLoop(new L1Criterion(), List.of(), new JavaEvaluator(val), null,
                PruningConfig.adaptive(Double.NaN, 0.1), null).run(m);
        assertTrue(r.stopReason().startsWith("accuracy budget") || r.stopReason().startsWith("no removable"), r.stopReason());
        assertTrue(r.original().accuracy() - r.last().accuracy() <= 0.1 + 1e-12);
        assertTrue(r.flopsRemoved() > 0);
    }

    @Test
    void removingDeadFiltersChosenByTheCriterionLeavesTheOutputUnchanged() {
        Model m = chain();
        // (LRP is left out: with the signed dense head here, filters that speak against the class score below dead ones.)
        for (String c : List.of("l1", "taylor")) {
            GlobalRanking g = GlobalRanking.of(m, Criterion.named(c, 0).score(m, selfLabelled(m, 8, 11), 0));
            Model p = FilterRemoval.remove(m, g.lowest(5));
            assertEquals(5, countFilters(m) - countFilters(p), c);
            for (long s = 0; s < 3; s++) {
                Tensor x = TinyNet.unitInput(m, 900 + s);
                Tensor a = JAVA.runWhole(m, x), b = JAVA.runWhole(p, x);
                assertTrue(a.maxAbsDiff(b) <= 1e-5 * Math.max(1, a.maxAbs()), c + ": the five lowest were not the dead filters");
            }
        }
    }

    /**
     * stem conv -> relu -> [conv a -> relu -> conv b] + stem -> relu -> conv c (stride 2) -> relu ->
     * [conv d] + 1x1 shortcut(stride 2) -> relu -> GAP -> dense: two residual groups {stem, b} and
     * {c's block: d, shortcut}.
     */
    record ResidualNet(Model model, String stem, String b, String d, String shortcut) {}

    static ResidualNet residualNet() {
        TinyNet t = new TinyNet(12, 12, 1, 21);
        String stem = t.conv("input", 3, 3, 1, Padding.SAME, 8, 1, null, bias(8));
        String x = t.relu(stem);
        String a = t.relu(t.conv(x, 3, 3, 1, Padding.SAME, 8, 1, null, bias(8)));
        String b = t.conv(a, 3, 3, 1, Padding.SAME, 8, 1, null, bias(8));
        x = t.relu(t.add(b, stem));
        String c = t.relu(t.conv(x, 3, 3, 2, Padding.SAME, 12, 1, null, bias(12)));
        String d = t.conv(c, 3, 3, 1, Padding.SAME, 12, 1, null, bias(12));
        String sc = t.conv(x, 1, 1, 2, Padding.SAME, 12, 1, null, bias(12));
        x = t.relu(t.add(d, sc));
        t.dense(t.globalAvgPool(x), 4, null, bias(4));
        return new ResidualNet(t.build(), stem, b, d, sc);
    }

    @Test
    void residualGroupsStayConsistentAndPrunedModelsPassPartitionChecks() {
        ResidualNet net = residualNet();
        Model m = net.model();
        List<Sample> val = selfLabelled(m, 20, 500);
        for (String c : Criterion.NAMES) {
            PruningLoop.Result r = new PruningLoop(Criterion.named(c, 1), selfLabelled(m, 6, 40), new JavaEvaluator(val), null,
                    PruningConfig.fixed(0.2, 0.5, Double.NaN), null).run(m);
            Model p = r.model();
            assertTrue(r.flopsRemoved() >= 0.5 - 1e-9, c + ": " + r.stopReason() + " " + r.steps());
            assertTrue(p.totalCost().flops() < m.totalCost().flops() && p.parameterCount() < m.parameterCount());
            // Tied convs keep equal widths (the adds would not type-check otherwise) and some were pruned.
            assertEquals(filters(p, net.stem()), filters(p, net.b()), c);
            assertEquals(filters(p, net.d()), filters(p, net.shortcut()), c);
            assertTrue(filters(p, net.stem()) < 8 || filters(p, net.d()) < 12, c);
            passesPartitionCheck(p);
        }
    }

    @Test
    void aChannelMultipleKeepsEveryLayerAtAMultipleOfIt() {
        ResidualNet net = residualNet();
        Model m = net.model();
        PruningConfig cfg = new PruningConfig(false, 0.2, 1, 1, 0.2, 0, 0.5, Double.NaN, List.of(), 100, 4);
        PruningLoop.Result r = new PruningLoop(new L1Criterion(), List.of(), new JavaEvaluator(selfLabelled(m, 10, 500)), null, cfg, null).run(m);
        assertTrue(r.flopsRemoved() > 0.2, r.stopReason());
        for (var node : r.model().nodes()) {
            if (node.op() instanceof Op.Conv2D c) assertEquals(0, c.filters() % 4, node.name() + " has " + c.filters());
        }
        for (PruningStep s : r.steps().subList(1, r.steps().size())) assertEquals(0, s.removed() % 4, s.toString());
        passesPartitionCheck(r.model());
    }

    private static void passesPartitionCheck(Model p) {
        List<PartitionCheck.Case> cases = PartitionCheck.run(p, PartitionCheck.testPlans(p, 3, 42), RandomGraphs.input(p, 42), JAVA, d -> JAVA);
        assertFalse(cases.isEmpty());
        for (PartitionCheck.Case k : cases) assertTrue(k.passed(), k.name() + ": relative error " + k.relativeError());
    }

    private static int filters(Model m, String conv) {
        return ((Op.Conv2D) m.node(m.indexOf(conv)).op()).filters();
    }

    private static int countFilters(Model m) {
        int n = 0;
        for (var node : m.nodes()) if (node.op() instanceof Op.Conv2D c) n += c.filters();
        return n;
    }

    private static float[] dead(float[] w, int cout, int... filters) {
        for (int f : filters) for (int i = f; i < w.length; i += cout) w[i] = 0;
        return w;
    }

    private static float[] bias(int n, int... dead) {
        float[] b = new float[n];
        for (int i = 0; i < n; i++) b[i] = 0.02f * (i % 5) + 0.01f;
        for (int f : dead) b[f] = 0;
        return b;
    }

    static Map<String, Tensor> copy(Model m) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        m.weights().forEach((k, v) -> w.put(k, v.copy()));
        return w;
    }
}
