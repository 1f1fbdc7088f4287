package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Padding;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.testing.RandomGraphs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without biases and with vanishing epsilon every rule here is conservative, so the relevance summed over
 * any cut of the graph equals the start relevance, 1.
 */
class LrpConservationTest {
    private static final double TOL = 1e-3;

    /** conv (zB) -> depthwise (z+) -> max pool -> conv -> avg pool -> reorg -> 1x1 conv -> GAP or flatten -> dense. */
    static Model chain(long seed, boolean globalPool) {
        TinyNet t = new TinyNet(8, 8, 3, seed);
        String x = t.relu(t.conv("input", 3, Padding.SAME, 6));
        x = t.relu(t.conv(x, 3, 3, 1, Padding.SAME, 6, 6, null, null));
        x = t.pool(true, x, 2, 2, Padding.VALID);
        x = t.relu(t.conv(x, 3, Padding.SAME, 8));
        x = t.pool(false, x, 3, 2, Padding.SAME);
        x = t.reorg(x);
        x = t.relu(t.conv(x, 1, Padding.VALID, 7));
        x = globalPool ? t.globalAvgPool(x) : t.flatten(x);
        t.dense(x, 5, null, null);
        return t.build();
    }

    private static void assertEveryNodeConserves(Model m, Relevance r, String what) {
        for (Node n : m.nodes()) assertEquals(1, r.total(n.name()), TOL, what + ": " + n.name());
        assertEquals(1, r.inputTotal(), TOL, what + ": input");
    }

    @Test
    void chainsConserveRelevanceAtEveryLayer() {
        List<LrpConfig> configs = List.of(
                LrpConfig.defaults().withEpsilon(1e-12),
                LrpConfig.defaults().withEpsilon(1e-12).withMaxPool(LrpConfig.MaxPoolRule.PROPORTIONAL),
                LrpConfig.epsilonEverywhere(1e-12));
        for (long seed = 0; seed < 6; seed++) {
            Model m = chain(seed, seed % 2 == 0);
            Tensor x = TinyNet.unitInput(m, seed + 100);
            for (LrpConfig cfg : configs) {
                for (int cls = 0; cls < 5; cls++) {
                    assertEveryNodeConserves(m, Lrp.relevance(m, x, cls, cfg), "seed " + seed + " class " + cls + " " + cfg);
                }
            }
        }
    }

    /**
     * alpha2-beta1 passes 2 R - R = R down wherever an output has both positive and negative contributions.
     * With 3x3 convs over 12-16 channels (even a corner output reads ~24 non-zero inputs) that is every
     * output, so the chain conserves at every layer, alone and in both composites. (A depthwise or 1x1 conv
     * over few channels often has outputs with contributions of one sign only - half the inputs are zero
     * after a ReLU - and alpha2-beta1 passes 2 R or -R there: with 6-8 channels the chain gained 1-45%.)
     */
    @Test
    void alpha2Beta1ConservesWhereEveryOutputHasBothSigns() {
        LrpConfig exact = LrpConfig.defaults().withEpsilon(1e-12);
        List<LrpConfig> configs = List.of(exact.withHiddenConv(LrpConfig.ConvRule.ALPHA2_BETA1),
                exact.withUpperConv(LrpConfig.ConvRule.ALPHA2_BETA1),
                exact.withHiddenConv(LrpConfig.ConvRule.ALPHA2_BETA1).withUpperConv(LrpConfig.ConvRule.Z_PLUS));
        for (long seed = 0; seed < 6; seed++) {
            TinyNet t = new TinyNet(8, 8, 3, seed);
            String x = t.relu(t.conv("input", 3, Padding.SAME, 12));
            x = t.relu(t.conv(x, 3, Padding.SAME, 16));
            x = t.pool(true, x, 2, 2, Padding.VALID);
            x = t.relu(t.conv(x, 3, Padding.SAME, 16));
            x = t.relu(t.conv(x, 3, Padding.SAME, 12));
            t.dense(t.flatten(x), 5, null, null);
            Model m = t.build();
            Tensor in = TinyNet.unitInput(m, seed + 200);
            for (LrpConfig cfg : configs) {
                for (int cls = 0; cls < 5; cls++) assertEveryNodeConserves(m, Lrp.relevance(m, in, cls, cfg), "seed " + seed + " class " + cls + " " + cfg);
            }
        }
    }

    /**
     * A composite applies the upper rule to the convs in the upper half of the model's convs and the hidden
     * rule below. The chain has 4 convs (zB, depthwise, 3x3, 1x1): the 3x3 and 1x1 are the upper half, so
     * the relevance they send down equals that of the upper rule alone, and below the depthwise conv it is
     * neither rule's.
     */
    @Test
    void aCompositeUsesTheUpperRuleOnlyInTheUpperHalf() {
        Model m = chain(3, false);
        List<String> convs = m.nodes().stream().filter(n -> n.op() instanceof io.edgefuse.model.Op.Conv2D).map(Node::name).toList();
        assertEquals(4, convs.size());
        String belowUpper = m.node(m.indexOf(convs.get(2))).input(), belowDepthwise = m.node(m.indexOf(convs.get(1))).input();
        LrpConfig zPlus = LrpConfig.defaults().withEpsilon(1e-12), ab = zPlus.withHiddenConv(LrpConfig.ConvRule.ALPHA2_BETA1);
        LrpConfig composite = zPlus.withUpperConv(LrpConfig.ConvRule.ALPHA2_BETA1), mirrored = ab.withUpperConv(LrpConfig.ConvRule.Z_PLUS);
        Tensor x = TinyNet.unitInput(m, 17);
        Relevance rz = Lrp.relevance(m, x, 1, zPlus), ra = Lrp.relevance(m, x, 1, ab);
        Relevance rc = Lrp.relevance(m, x, 1, composite), rm = Lrp.relevance(m, x, 1, mirrored);
        assertTrue(rz.of(belowUpper).maxAbsDiff(ra.of(belowUpper)) > 1e-3, "the two rules differ on this net");
        assertTrue(rc.of(belowUpper).maxAbsDiff(ra.of(belowUpper)) < 1e-9, "upper half: alpha2-beta1");
        assertTrue(rm.of(belowUpper).maxAbsDiff(rz.of(belowUpper)) < 1e-9, "upper half: z+");
        assertTrue(rc.of(belowDepthwise).maxAbsDiff(ra.of(belowDepthwise)) > 1e-6 && rc.of(belowDepthwise).maxAbsDiff(rz.of(belowDepthwise)) > 1e-6,
                "lower half: z+ on what alpha2-beta1 sent down");
    }

    /** conv -> ReLU r0 -> [conv -> ReLU -> conv] + r0 -> ReLU -> concat(conv, conv) -> ReLU -> GAP -> dense. */
    private record Residual(Model m, String r0, String branch, String sum, String a, String b, String cat) {}

    private static Residual residual(long seed) {
        TinyNet t = new TinyNet(7, 7, 2, seed);
        String r0 = t.relu(t.conv("input", 3, Padding.SAME, 4));
        String branch = t.conv(t.relu(t.conv(r0, 3, Padding.SAME, 4)), 3, Padding.SAME, 4);
        String sum = t.add(r0, branch);
        String s = t.relu(sum);
        String a = t.conv(s, 1, Padding.VALID, 3), b = t.conv(s, 3, Padding.SAME, 5);
        String cat = t.concat(a, b);
        t.dense(t.globalAvgPool(t.relu(cat)), 4, null, null);
        return new Residual(t.build(), r0, branch, sum, a, b, cat);
    }

    @Test
    void residualAddAndConcatConserveRelevance() {
        for (long seed = 0; seed < 6; seed++) {
            Residual n = residual(seed);
            Model m = n.m();
            String r0 = n.r0(), branch = n.branch(), sum = n.sum(), a = n.a(), b = n.b(), cat = n.cat();
            Relevance r = Lrp.relevance(m, TinyNet.unitInput(m, seed), (int) seed % 4, LrpConfig.epsilonEverywhere(1e-12));
            String what = "seed " + seed;
            for (String cut : List.of(cat, sum, r0)) assertEquals(1, r.total(cut), TOL, what + ": " + cut);
            assertEquals(1, r.inputTotal(), TOL, what + ": input");
            assertEquals(r.total(cat), r.total(a) + r.total(b), 1e-9, what + ": concat splits by channel");
            double skip = r.total(sum) - r.total(branch);
            assertTrue(Math.abs(skip) > 1e-3 && Math.abs(r.total(branch)) > 1e-3, what + ": both add inputs get relevance");
        }
    }

    /**
     * With z+ on the residual branch's last conv (its output is signed: no ReLU before the add), an output
     * whose contributions are all negative has z+ = 0 and its share of the add's relevance is dropped. The
     * add itself and everything above it still conserve; the leak below stays small on these nets.
     */
    @Test
    void zPlusOnASignedResidualBranchLeaksOnlyBelowTheAdd() {
        for (long seed = 0; seed < 6; seed++) {
            Residual n = residual(seed);
            Model m = n.m();
            Relevance r = Lrp.relevance(m, TinyNet.unitInput(m, seed), (int) seed % 4, LrpConfig.defaults().withEpsilon(1e-12));
            String what = "seed " + seed;
            for (String cut : List.of(n.cat(), n.sum())) assertEquals(1, r.total(cut), TOL, what + ": " + cut);
            assertEquals(r.total(n.r0()), r.inputTotal(), TOL, what + ": zB on the first conv conserves");
            assertEquals(1, r.inputTotal(), 0.05, what + ": input");
        }
    }

    @Test
    void randomModelsWithBiasesAndBatchNormsGiveFiniteRelevance() {
        for (long seed = 0; seed < 30; seed++) {
            Model m = BatchNormFolding.fold(RandomGraphs.generate(seed));
            Relevance r = Lrp.relevance(m, RandomGraphs.input(m, seed), 0, LrpConfig.defaults());
            for (Node n : m.nodes()) assertTrue(Double.isFinite(r.total(n.name())), "seed " + seed + " node " + n.name());
            assertTrue(Double.isFinite(r.inputTotal()), "seed " + seed);
        }
    }
}
