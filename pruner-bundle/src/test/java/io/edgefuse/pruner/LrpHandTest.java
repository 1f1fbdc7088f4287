package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Padding;
import io.edgefuse.model.Preprocessing;
import io.edgefuse.model.Shape;
import io.edgefuse.model.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Small networks whose relevances are worked out by hand in the comments. */
class LrpHandTest {
    private static final double TOL = 1e-6;
    private static final LrpConfig EXACT = LrpConfig.defaults().withEpsilon(1e-12);

    private static void assertValues(double[] expected, Tensor actual) {
        double[] got = new double[actual.size()];
        for (int k = 0; k < got.length; k++) got[k] = actual.data()[k];
        assertArrayEquals(expected, got, TOL);
    }

    /**
     * x = (1, 2) -> dense W1 = [[1, -1], [1, 1]] (rows are inputs), b1 = (0, 0.5) -> ReLU
     * -> dense W2 = [[1, 2], [2, -1]], no bias -> softmax.
     * Forward: z1 = (1 + 2, -1 + 2 + 0.5) = (3, 1.5), logits = (3 + 3, 6 - 1.5) = (6, 4.5).
     */
    private static Model denseNet() {
        TinyNet t = new TinyNet(1, 1, 2, 0);
        String h = t.relu(t.dense(t.flatten("input"), 2, new float[] {1, -1, 1, 1}, new float[] {0, 0.5f}));
        t.softmax(t.dense(h, 2, new float[] {1, 2, 2, -1}, null));
        return t.build();
    }

    private static final Tensor DENSE_X = new Tensor(new int[] {1, 1, 2}, new float[] {1, 2});

    @Test
    void epsilonRuleOnADenseNetByHand() {
        Model m = denseNet();
        // Class 1, start R = (0, 1) at the logits (the softmax is skipped).
        // Hidden: R_h = a_j w_j1 / 4.5 = (3 * 2 / 4.5, 1.5 * -1 / 4.5) = (4/3, -1/3).
        // Input:  R_x0 = 1 * 1 / 3 * 4/3 + 1 * -1 / 1.5 * -1/3 = 4/9 + 2/9 = 2/3
        //         R_x1 = 2 * 1 / 3 * 4/3 + 2 *  1 / 1.5 * -1/3 = 8/9 - 4/9 = 4/9
        // The input sums to 10/9, not 1: hidden unit 1's bias 0.5 of z = 1.5 takes 1/3 of its R = -1/3.
        Relevance r = Lrp.relevance(m, DENSE_X, 1, EXACT);
        assertEquals("dense3", r.startNode());
        assertEquals(4.5, r.logit(), TOL);
        assertValues(new double[] {0, 1}, r.of("dense3"));
        assertValues(new double[] {4.0 / 3, -1.0 / 3}, r.of("relu2"));
        assertValues(new double[] {2.0 / 3, 4.0 / 9}, r.input());
        assertEquals(10.0 / 9, r.inputTotal(), TOL);

        // Class 0: R_h = (3 * 1 / 6, 1.5 * 2 / 6) = (1/2, 1/2);
        // R_x0 = 1/3 * 1/2 - 1/1.5 * 1/2 = -1/6, R_x1 = 2/3 * 1/2 + 2/1.5 * 1/2 = 1.
        Relevance r0 = Lrp.relevance(m, DENSE_X, 0, EXACT);
        assertValues(new double[] {0.5, 0.5}, r0.of("relu2"));
        assertValues(new double[] {-1.0 / 6, 1}, r0.input());
    }

    @Test
    void largeEpsilonAbsorbsRelevanceByHand() {
        // eps = 1.5, class 1: R_h = (6 / (4.5 + 1.5), -1.5 / 6) = (1, -1/4); denominators below: 3 + 1.5, 1.5 + 1.5.
        // R_x0 = 1 / 4.5 * 1 + (-1 / 3) * (-1/4) = 2/9 + 1/12 = 11/36; R_x1 = 2 / 4.5 + (2 / 3) * (-1/4) = 4/9 - 1/6 = 5/18.
        Relevance r = Lrp.relevance(denseNet(), DENSE_X, 1, LrpConfig.defaults().withEpsilon(1.5));
        assertValues(new double[] {1, -0.25}, r.of("relu2"));
        assertValues(new double[] {11.0 / 36, 5.0 / 18}, r.input());
    }

    /** x = (0.5, 0.5) as a [1, 2, 1] map -> conv 1x2, w = (2, -1), no bias -> flatten -> dense (1, -1). */
    @Test
    void zbRuleOnTheFirstConvByHand() {
        TinyNet t = new TinyNet(1, 2, 1, 0);
        String c = t.conv("input", 1, 2, 1, Padding.VALID, 1, 1, new float[] {2, -1}, null);
        t.dense(t.flatten(c), 2, new float[] {1, -1}, null);
        Model m = t.build();
        Tensor x = new Tensor(new int[] {1, 2, 1}, new float[] {0.5f, 0.5f});
        // conv = 0.5 * 2 - 0.5 = 0.5, logits (0.5, -0.5); class 0 gives the conv output R = 0.5 / 0.5 = 1.
        // zB with l = 0, h = 1 (unit preprocessing): terms x w - l w+ - h w-:
        //   0.5 * 2 - 0 - 0 = 1;  0.5 * -1 - 0 - 1 * -1 = 0.5;  R = (1, 0.5) / 1.5 = (2/3, 1/3).
        Relevance r = Lrp.relevance(m, x, 0, EXACT);
        assertValues(new double[] {1}, r.of(c));
        assertValues(new double[] {2.0 / 3, 1.0 / 3}, r.input());
        // The epsilon rule instead gives x w / z = (1 / 0.5, -0.5 / 0.5) = (2, -1).
        Relevance e = Lrp.relevance(m, x, 0, EXACT.withFirstConv(LrpConfig.ConvRule.EPSILON));
        assertValues(new double[] {2, -1}, e.input());
    }

    /**
     * Normalised input: preprocessing mean 0.5, std 0.25, so l = (0 - 0.5) / 0.25 = -2 and h = 2.
     * x = (1, -1, 0.5) [1, 3, 1] -> conv 1x3, w = (1, -1, 2) -> flatten -> dense (1).
     */
    @Test
    void zbRuleUsesTheBoundsOfThePreprocessingByHand() {
        InputSpec spec = new InputSpec("image", Shape.map(1, 3, 1), new Preprocessing(1 / 255.0, new double[] {0.5}, new double[] {0.25}));
        TinyNet t = new TinyNet(spec, 0);
        String c = t.conv("image", 1, 3, 1, Padding.VALID, 1, 1, new float[] {1, -1, 2}, null);
        t.dense(t.flatten(c), 1, new float[] {1}, null);
        Model m = t.build();
        Tensor x = new Tensor(new int[] {1, 3, 1}, new float[] {1, -1, 0.5f});
        // x w - l w+ - h w-: 1 + 2 * 1 = 3;  1 - 2 * -1 = 3;  1 + 2 * 2 = 5;  R = (3, 3, 5) / 11.
        // (Swapping l and h would give (-1, -1, -3) / -5 instead.)
        Relevance r = Lrp.relevance(m, x, 0, EXACT);
        assertValues(new double[] {3.0 / 11, 3.0 / 11, 5.0 / 11}, r.input());
    }

    /**
     * x = (0.5, 0.5) [1, 2, 1] -> conv a 1x1, w = (2, 1) (two filters) -> ReLU
     * -> conv b 1x2 over 2 channels, w[kx][c] = [[1, -2], [0.5, 2]] -> flatten -> dense (1, -1).
     */
    @Test
    void zPlusRuleOnAHiddenConvByHand() {
        TinyNet t = new TinyNet(1, 2, 1, 0);
        String a = t.conv("input", 1, 1, 1, Padding.VALID, 2, 1, new float[] {2, 1}, null);
        String ra = t.relu(a);
        String b = t.conv(ra, 1, 2, 1, Padding.VALID, 1, 1, new float[] {1, -2, 0.5f, 2}, null);
        t.dense(t.flatten(b), 2, new float[] {1, -1}, null);
        Model m = t.build();
        Tensor x = new Tensor(new int[] {1, 2, 1}, new float[] {0.5f, 0.5f});
        // a = [(1, 0.5), (1, 0.5)]; b = 1 - 1 + 0.5 + 1 = 1.5; class 0 gives R_b = 1.
        // z+: positive contributions (1, 0, 0.5, 1), sum 2.5 -> R_a = (0.4, 0, 0.2, 0.4).
        // conv a (zB, each output reads one input with a positive weight): R_x = (0.4 + 0, 0.2 + 0.4).
        Relevance r = Lrp.relevance(m, x, 0, EXACT);
        assertValues(new double[] {1}, r.of(b));
        assertValues(new double[] {0.4, 0, 0.2, 0.4}, r.of(a));
        assertValues(new double[] {0.4, 0.6}, r.input());
        // Epsilon rule on conv b: a w / 1.5 = (2/3, -2/3, 1/3, 2/3).
        Relevance e = Lrp.relevance(m, x, 0, EXACT.withHiddenConv(LrpConfig.ConvRule.EPSILON));
        assertValues(new double[] {2.0 / 3, -2.0 / 3, 1.0 / 3, 2.0 / 3}, e.of(a));
        // alpha2-beta1 on conv b: contributions (1, -1, 0.5, 1), z+ = 2.5, z- = -1:
        // R_a = 2 (1, 0, 0.5, 1) / 2.5 - (0, -1, 0, 0) / -1 = (0.8, -1, 0.4, 0.8), which sums to 2 - 1 = 1.
        // conv a (zB, one positive weight per output): R_x = (0.8 - 1, 0.4 + 0.8) = (-0.2, 1.2).
        Relevance ab = Lrp.relevance(m, x, 0, EXACT.withHiddenConv(LrpConfig.ConvRule.ALPHA2_BETA1));
        assertValues(new double[] {0.8, -1, 0.4, 0.8}, ab.of(a));
        assertValues(new double[] {-0.2, 1.2}, ab.input());
        // The filter of conv a that feeds b only through the negative weight -2 is now scored below zero;
        // z+ gave it 0, the same as a filter that does nothing.
        assertEquals(-1 + 0.8, ab.of(a).data()[1] + ab.of(a).data()[3], TOL);
    }

    /**
     * An unfolded batch norm is a per-channel linear map y = s x + t handled by the epsilon rule.
     * x = (1, 2) [1, 1, 2] -> batch norm with sigma = sqrt(var + 1e-3) = (1, 2), gamma = 1, mean = 0,
     * beta = (0.5, 0): y = (1.5, 1) -> flatten -> dense (1, 1), logit 2.5.
     */
    @Test
    void unfoldedBatchNormUsesTheEpsilonRuleByHand() {
        TinyNet t = new TinyNet(1, 1, 2, 0);
        String bn = t.batchNorm("input", new float[] {1, 1}, new float[] {0.5f, 0}, new float[] {0, 0}, new float[] {0.999f, 3.999f});
        t.dense(t.flatten(bn), 1, new float[] {1, 1}, null);
        Model m = t.build();
        // R_y = y / 2.5 = (0.6, 0.4); R_x = x s / y * R_y = (1 / 1.5 * 0.6, 2 * 0.5 / 1 * 0.4) = (0.4, 0.4):
        // beta takes 0.5 / 1.5 of channel 0's relevance, like a bias.
        Relevance r = Lrp.relevance(m, DENSE_X, 0, EXACT);
        assertValues(new double[] {0.6, 0.4}, r.of(bn));
        assertValues(new double[] {0.4, 0.4}, r.input());
    }

    /** x [2, 2, 1] -> identity 1x1 conv -> max pool 2x2 -> flatten -> dense (1): max pool rules by hand. */
    @Test
    void maxPoolWinnerTakesAllFirstOnTiesOrSplitsProportionally() {
        TinyNet t = new TinyNet(2, 2, 1, 0);
        String c = t.conv("input", 1, 1, 1, Padding.VALID, 1, 1, new float[] {1}, null);
        t.dense(t.flatten(t.pool(true, c, 2, 2, Padding.VALID)), 1, new float[] {1}, null);
        Model m = t.build();
        Tensor x = new Tensor(new int[] {2, 2, 1}, new float[] {0.5f, 0.5f, 0.2f, 0.5f});
        // Three inputs tie at 0.5: the first in row-major window order takes all.
        assertValues(new double[] {1, 0, 0, 0}, Lrp.relevance(m, x, 0, EXACT).of(c));
        // Proportional: a / sum a = (0.5, 0.5, 0.2, 0.5) / 1.7.
        LrpConfig prop = EXACT.withMaxPool(LrpConfig.MaxPoolRule.PROPORTIONAL);
        assertValues(new double[] {0.5 / 1.7, 0.5 / 1.7, 0.2 / 1.7, 0.5 / 1.7}, Lrp.relevance(m, x, 0, prop).of(c));
    }
}
