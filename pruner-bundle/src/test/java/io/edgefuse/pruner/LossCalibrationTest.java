package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.Padding;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The loss-calibrated ranking ({@link Normalisation#LOSS}) on a real model with measured probes. */
class LossCalibrationTest {
    /**
     * Two convs side by side on the input, concatenated: cheapA's channels reach the logits through dense weights
     * 1000x smaller than costlyB's, so removing any of cheapA's filters costs almost nothing.
     */
    private static Model net() {
        TinyNet t = new TinyNet(8, 8, 1, 3);
        String a = t.conv("input", 3, Padding.SAME, 4);
        String b = t.conv("input", 3, Padding.SAME, 4);
        String gap = t.globalAvgPool(t.relu(t.concat(a, b)));
        SplittableRandom r = new SplittableRandom(5);
        float[] w = new float[8 * 3];
        for (int j = 0; j < 8; j++) for (int k = 0; k < 3; k++) w[j * 3 + k] = (float) ((r.nextDouble() * 2 - 1) * (j < 4 ? 0.003 : 3));
        t.dense(gap, 3, w, new float[3]);
        Model m = t.build();
        assertEquals(List.of("conv0", "conv1"), List.of(a, b));
        return m;
    }

    private static List<Sample> selfLabelled(Model m, int n) {
        JavaExecutor exec = new JavaExecutor();
        List<Sample> s = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Tensor x = TinyNet.unitInput(m, 300 + k);
            float[] y = exec.runWhole(m, x).data();
            int best = 0;
            for (int c = 1; c < y.length; c++) if (y[c] > y[best]) best = c;
            s.add(new Sample(x, best));
        }
        return s;
    }

    /**
     * Scores by hand: the cheap layer scores higher raw and per-layer normalised, so mean normalisation keeps its
     * filters and the probe must not. costlyB's lowest score goes to its filter whose removal moves the outputs
     * most (with inputs >= 0 and no bias, a filter can be dead, and removing a dead one costs nothing).
     */
    private static FilterScores scores(Model m, List<Sample> ref) {
        LossProbe kl = new LossProbe(m, ref, false, LossProbe.Metric.KL);
        int live = 0;
        for (int f = 1; f < 4; f++) if (kl.increase(Map.of("conv1", Set.of(f))) > kl.increase(Map.of("conv1", Set.of(live)))) live = f;
        double[] b = new double[4];
        double[] rest = {1, 1, 1.5};
        for (int f = 0, i = 0; f < 4; f++) b[f] = f == live ? 0.5 : rest[i++];
        return FilterScores.of(Map.of("conv0", new double[] {8, 9, 10, 13}, "conv1", b));
    }

    @Test
    void theCheapLayersUnitsGoFirstEvenWithHigherScores() {
        Model m = net();
        List<Sample> ref = selfLabelled(m, 24);
        FilterScores s = scores(m, ref);
        GlobalRanking mean = GlobalRanking.of(m, s, new RankingConfig(Normalisation.MEAN, false, 0), Map.of());
        assertEquals("conv1", mean.units().get(0).conv(), "mean normalisation ranks costlyB's weakest filter first");
        for (LossProbe.Metric metric : LossProbe.Metric.values()) {
            RankingConfig cfg = new RankingConfig(Normalisation.LOSS, false, 0, 0, 0.25, metric, LossProbe.Unmeasured.FLOOR);
            LossProbe probe = new LossProbe(m, ref, false, metric);
            GlobalRanking loss = GlobalRanking.of(m, s, cfg, Map.of(), probe);
            for (int i = 0; i < 4; i++) assertEquals("conv0", loss.units().get(i).conv(), metric + ": " + loss.units());
            // The order within each layer is the criterion's.
            assertEquals(List.of(0, 1, 2, 3), loss.units().subList(0, 4).stream().map(GlobalRanking.Unit::filter).toList());
            assertEquals(0.5, s.scores("conv1")[loss.units().get(4).filter()]);
            GlobalRanking.Calibration a = loss.calibration().get("conv0"), b = loss.calibration().get("conv1");
            assertEquals(1, a.probed());
            assertTrue(b.lossIncrease() > 100 * Math.max(a.lossIncrease(), 1e-9), metric + ": " + a + " " + b);
            // The probed unit's calibrated score is the measured increase (its mean-normalised score is 0.5).
            assertEquals(b.lossIncrease(), loss.units().get(4).score(), 1e-12);
            assertEquals(b.lossIncrease() / 0.5, b.scale(), 1e-9);
        }
    }

    @Test
    void aLayerWhoseProbeMeasuresNoCostGetsTheMedianRateOrTheFloor() {
        Model m = net();
        List<Sample> ref = selfLabelled(m, 24);
        FilterScores s = scores(m, ref);
        LossProbe probe = new LossProbe(m, ref, false, LossProbe.Metric.CROSS_ENTROPY);
        double floor = 1e-3 * probe.baseLoss();
        GlobalRanking median = GlobalRanking.of(m, s, new RankingConfig(Normalisation.LOSS, false, 0, 0, 0.25, LossProbe.Metric.CROSS_ENTROPY,
                LossProbe.Unmeasured.MEDIAN), Map.of(), probe);
        GlobalRanking.Calibration a = median.calibration().get("conv0"), b = median.calibration().get("conv1");
        assertTrue(a.lossIncrease() <= floor && b.lossIncrease() > floor, a + " " + b);
        // The only measured layer's rate is the median: the cheap layer is ranked as if it cost as much per score, so the
        // costly layer's weakest filter (mean-normalised 0.5, below all of the cheap layer's) is first again.
        assertEquals(b.scale(), a.scale(), 1e-15);
        assertEquals("conv1", median.units().get(0).conv());
        GlobalRanking clamp = GlobalRanking.of(m, s, new RankingConfig(Normalisation.LOSS, false, 0, 0, 0.25, LossProbe.Metric.CROSS_ENTROPY,
                LossProbe.Unmeasured.FLOOR), Map.of(), probe);
        assertEquals(floor / (0.8), clamp.calibration().get("conv0").scale(), 1e-12);
    }

    @Test
    void theProbeMeasuresWhatRemovalCosts() {
        Model m = net();
        List<Sample> ref = selfLabelled(m, 24);
        Map<String, Set<Integer>> cut = Map.of("conv1", Set.of(0, 2));
        JavaEvaluator eval = new JavaEvaluator(ref);
        double ce = eval.evaluate(FilterRemoval.remove(m, cut)).loss() - eval.evaluate(m).loss();
        assertEquals(ce, new LossProbe(m, ref, false, LossProbe.Metric.CROSS_ENTROPY).increase(cut), 1e-6);
        assertEquals(eval.evaluate(m).loss(), new LossProbe(m, ref, false).baseLoss(), 1e-6);
        LossProbe kl = new LossProbe(m, ref, false, LossProbe.Metric.KL);
        assertTrue(kl.increase(cut) > 0);
        assertTrue(kl.increase(Map.of("conv1", Set.of(0, 1, 2))) > kl.increase(Map.of("conv1", Set.of(0))));
    }

    @Test
    void withBatchNormReestimationTheProbeMeasuresTheReestimatedModelAndTheLoopUsesIt() {
        TinyNet t = new TinyNet(8, 8, 1, 12);
        String x = t.relu(t.batchNorm(t.conv("input", 3, Padding.SAME, 6)));
        x = t.relu(t.batchNorm(t.conv(x, 3, Padding.SAME, 6)));
        t.dense(t.globalAvgPool(x), 3, null, new float[3]);
        Model m = t.build();
        List<Sample> ref = selfLabelled(m, 12), val = selfLabelled(m, 30);
        LossProbe probe = new LossProbe(m, ref, true, LossProbe.Metric.CROSS_ENTROPY);
        JavaEvaluator eval = new JavaEvaluator(ref);
        Map<String, Set<Integer>> cut = Map.of("conv0", Set.of(1, 4));
        double base = eval.evaluate(BatchNormFolding.fold(BatchNormReestimation.reestimate(m, ref))).loss();
        assertEquals(base, probe.baseLoss(), 1e-6);
        double after = eval.evaluate(BatchNormFolding.fold(BatchNormReestimation.reestimate(FilterRemoval.remove(m, cut), ref))).loss();
        assertEquals(after - base, probe.increase(cut), 1e-6);

        List<String> phases = new ArrayList<>();
        PruningConfig cfg = PruningConfig.fixed(0.2, 0.4, Double.NaN).withBnReestimate(true)
                .withRanking(new RankingConfig(Normalisation.LOSS, false, 0.25));
        PruningLoop.Result r = new PruningLoop(new L1Criterion(), ref, new JavaEvaluator(val), null, cfg, new PruningListener() {
            @Override
            public void phase(String what) {
                phases.add(what);
            }
        }).run(m);
        assertTrue(r.flopsRemoved() >= 0.4 - 1e-9, r.stopReason());
        assertTrue(phases.stream().anyMatch(p -> p.startsWith("loss probe (ce") && p.contains("conv0 -1") && p.contains("conv3 -1")), phases.toString());
    }

    @Test
    void refusesWhatDoesNotFit() {
        Model m = net();
        RankingConfig cfg = new RankingConfig(Normalisation.LOSS, false, 0);
        assertThrows(IllegalArgumentException.class, () -> GlobalRanking.of(m, FilterScores.of(Map.of("conv0", new double[4], "conv1", new double[4])), cfg, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new RankingConfig(Normalisation.LOSS, false, 0, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new RankingConfig(Normalisation.LOSS, false, 0, 0, 1, LossProbe.Metric.KL, LossProbe.Unmeasured.FLOOR));
        assertThrows(IllegalArgumentException.class, () -> LossProbe.Unmeasured.named("zero"));
        assertThrows(IllegalArgumentException.class, () -> LossProbe.Metric.named("mse"));
        assertThrows(IllegalArgumentException.class, () -> new LossProbe(m, List.of(), false));
        assertEquals(Normalisation.LOSS, Normalisation.named("loss"));
    }
}
