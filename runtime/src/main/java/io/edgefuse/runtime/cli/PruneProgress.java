package io.edgefuse.runtime.cli;

import io.edgefuse.model.Model;
import io.edgefuse.pruner.PruningListener;
import io.edgefuse.pruner.PruningStep;
import java.io.PrintWriter;
import java.util.Locale;

/** One line per pruning step on stderr, so a long run shows where it is. */
class PruneProgress implements PruningListener {
    private final PrintWriter err;
    private final String prefix;
    private final long start = System.nanoTime();

    PruneProgress(PrintWriter err, String prefix) {
        this.err = err;
        this.prefix = prefix;
    }

    @Override
    public void phase(String what) {
        err.printf(Locale.ROOT, "%s  [%6.1f s] %s ...%n", prefix, (System.nanoTime() - start) / 1e9, what);
        err.flush();
    }

    @Override
    public void step(PruningStep s) {
        if (s.step() == 0) {
            err.printf(Locale.ROOT, "%s  step 0: %d removable filters, %.2f MFLOPs, %d params, validation accuracy %.2f%%%n",
                    prefix, s.filters(), s.flops() / 1e6, s.params(), 100 * s.valAccuracy());
        } else {
            err.printf(Locale.ROOT, "%s  step %d: rate %.3f, -%d filters -> %s; FLOPs -%.1f%%, %d params, validation %.2f%% (loss %.4f) [%.1f s]%n",
                    prefix, s.step(), s.rate(), s.removed(), s.accepted() ? "kept" : "UNDONE", 100 * s.flopsRemoved(), s.params(),
                    100 * s.valAccuracy(), s.valLoss(), s.seconds());
        }
        err.flush();
    }

    @Override
    public void checkpoint(double flopsRemoved, Model m, Model withBatchNorms, PruningStep s) {
        err.printf(Locale.ROOT, "%s  reached %.0f%% FLOPs removed%n", prefix, 100 * flopsRemoved);
        err.flush();
    }
}
