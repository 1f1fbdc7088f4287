package io.edgefuse.pruner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.Padding;
import io.edgefuse.model.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * On a bias-free ReLU network, epsilon-LRP with epsilon -> 0 on every layer equals gradient x input of
 * the true-class logit. LRP starts from relevance 1 rather than the logit value f, so the identity
 * reads R * f = x * df/dx.
 */
class LrpGradientTest {

    /** Every op LRP handles except batch norm: residual add, concat, reorg, strided and depthwise convs, pools. */
    private static Model net(long seed) {
        TinyNet t = new TinyNet(8, 8, 2, seed);
        String r = t.relu(t.conv("input", 3, Padding.SAME, 4));
        String x = t.relu(t.add(r, t.conv(r, 3, Padding.SAME, 4)));
        x = t.relu(t.concat(t.conv(x, 1, Padding.VALID, 3), t.conv(x, 3, Padding.SAME, 2)));
        x = t.reorg(x);
        x = t.relu(t.conv(x, 3, Padding.SAME, 5));
        x = t.pool(true, x, 2, 1, Padding.VALID);
        x = t.relu(t.conv(x, 3, 3, 2, Padding.SAME, 5, 5, null, null));
        x = t.pool(false, x, 2, 1, Padding.explicit(0, 1, 0, 1));
        t.softmax(t.dense(t.flatten(x), 3, null, null));
        return t.build();
    }

    /**
     * Central differences; the net is piecewise linear, so they are exact unless a step crosses a kink
     * (a ReLU or max-pool switch), which the small step makes unlikely on these fixed seeds.
     */
    private static double[] gradient(Model m, Tensor x, int cls) {
        int last = m.size() - 2;
        String logits = m.node(last).name();
        double[] g = new double[x.size()];
        float[] d = x.data();
        for (int k = 0; k < d.length; k++) {
            float orig = d[k];
            float up = orig + 1e-6f, down = orig - 1e-6f;
            d[k] = up;
            double fUp = Forward.run(m, x, last).get(logits)[cls];
            d[k] = down;
            double fDown = Forward.run(m, x, last).get(logits)[cls];
            d[k] = orig;
            g[k] = (fUp - fDown) / ((double) up - (double) down);
        }
        return g;
    }

    @Test
    void epsilonLrpEqualsGradientTimesInput() {
        LrpConfig cfg = LrpConfig.epsilonEverywhere(1e-12);
        for (long seed = 0; seed < 5; seed++) {
            Model m = net(seed);
            Tensor x = Tensor.random(seed + 7, -1f, 1f, 8, 8, 2);
            for (int cls = 0; cls < 3; cls++) {
                Relevance r = Lrp.relevance(m, x, cls, cfg);
                double[] g = gradient(m, x, cls);
                Tensor rin = r.input();
                double scale = 0;
                for (int k = 0; k < g.length; k++) scale = Math.max(scale, Math.abs(x.data()[k] * g[k]));
                assertTrue(scale > 1e-6, "degenerate net, seed " + seed);
                for (int k = 0; k < g.length; k++) {
                    double gxi = x.data()[k] * g[k], lrp = rin.data()[k] * r.logit();
                    assertTrue(Math.abs(gxi - lrp) <= 1e-4 * scale,
                            "seed " + seed + " class " + cls + " input " + k + ": gradient x input " + gxi + ", LRP " + lrp);
                }
            }
        }
    }
}
