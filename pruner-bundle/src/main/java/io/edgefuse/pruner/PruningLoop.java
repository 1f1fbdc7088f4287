package io.edgefuse.pruner;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adaptive global structured pruning (after Gao et al., ICC 2023, on Yeom et al.'s LRP criterion). Each
 * step scores the current model's filters with the criterion (recomputed every step), ranks them
 * globally after per-layer normalisation ({@link RankingConfig}), removes the lowest r_t of the remaining ones for real, and
 * evaluates on the validation set. Adaptive mode: a step whose validation accuracy fell by at most the
 * tolerance is kept and r grows; otherwise it is undone and r shrinks - a one-filter step is kept anyway
 * (there is nothing smaller to try) unless it breaks the accuracy budget. Fixed mode keeps every step.
 * The loop ends at the FLOPs target or at the accuracy budget.
 */
public final class PruningLoop {
    /**
     * The final model (batch norms folded), its history and why the loop stopped.
     *
     * @param withBatchNorms the same network before folding: with batch-norm re-estimation the loop keeps the
     *     batch norms (with their re-measured statistics), so that fine-tuning can train them as the original
     *     was trained; otherwise equal to {@code model}
     */
    public record Result(Model model, Model withBatchNorms, Evaluation original, Evaluation last, long originalFlops, List<PruningStep> steps, String stopReason) {
        public double flopsRemoved() {
            return 1 - (double) model.totalCost().flops() / originalFlops;
        }
    }

    private final Criterion criterion;
    private final List<Sample> samples;
    private final Evaluator validation;
    private final FineTuner betweenSteps;
    private final PruningConfig cfg;
    private final PruningListener listener;

    /** @param betweenSteps short fine-tuning after each removal, before it is evaluated; null for none */
    public PruningLoop(Criterion criterion, List<Sample> samples, Evaluator validation, FineTuner betweenSteps, PruningConfig cfg, PruningListener listener) {
        this.criterion = criterion;
        this.samples = List.copyOf(samples);
        this.validation = validation;
        this.betweenSteps = betweenSteps;
        this.cfg = cfg;
        this.listener = listener == null ? PruningListener.NONE : listener;
    }

    /**
     * Prunes {@code model}. The result has its batch norms folded (none left after a conv); without
     * batch-norm re-estimation they are folded before the first step, with it only where a folded view
     * is needed (scoring, FLOPs, evaluation, checkpoints), so that their statistics can be re-measured.
     */
    public Result run(Model model) {
        long t0 = System.nanoTime();
        Model current = cfg.bnReestimate() ? model : BatchNormFolding.fold(model);
        Model view = BatchNormFolding.fold(current);
        long flops0 = view.totalCost().flops();
        listener.phase("evaluating the original model");
        Evaluation base = validation.evaluate(view), cur = base;
        List<PruningStep> steps = new ArrayList<>();
        int removable = GlobalRanking.removable(view);
        Map<String, Integer> widths = new HashMap<>();
        for (Node n : view.nodes()) if (n.op() instanceof Op.Conv2D c) widths.put(n.name(), c.filters());
        PruningStep s0 = new PruningStep(0, 0, 0, true, removable, flops0, 0, view.parameterCount(), base.accuracy(), base.loss(), secondsSince(t0));
        steps.add(s0);
        listener.step(s0);
        double rate = cfg.initialRate(), target = cfg.finalFlopsTarget();
        int nextCheckpoint = 0, accepted = 0;
        GlobalRanking ranking = null;
        Map<String, double[]> means = null;
        String stop = null;
        while (stop == null) {
            if (steps.size() > cfg.maxIterations()) {
                stop = "iteration limit " + cfg.maxIterations() + " reached";
                break;
            }
            long ts = System.nanoTime();
            if (ranking == null) {
                listener.phase("scoring filters (" + criterion.name() + ", " + samples.size() + " samples)");
                Model folded = BatchNormFolding.fold(current);
                FilterScores scores = criterion.score(folded, samples, accepted);
                LossProbe probe = null;
                if (cfg.ranking().probesLoss()) {
                    listener.phase("probing the loss of each layer's lowest-ranked filters");
                    probe = new LossProbe(current, samples, cfg.bnReestimate(), cfg.ranking().probeMetric());
                }
                ranking = GlobalRanking.of(folded, scores, cfg.ranking(), widths, probe);
                if (probe != null) listener.phase(calibrationText(probe, ranking.calibration()));
                if (cfg.meanCompensation()) means = MeanCompensation.means(current, samples);
            }
            int left = ranking.removable();
            if (left == 0) {
                stop = "no removable filters left";
                break;
            }
            int count = Math.max(1, Math.min(left, (int) Math.round(rate * left)));
            double clip = nextCheckpoint < cfg.checkpoints().size() ? cfg.checkpoints().get(nextCheckpoint) : target;
            Removal cut = removeUpTo(current, ranking, count, clip, flops0, cfg.channelMultiple(), means);
            Model candidate = cut.model();
            int removed = cut.count();
            if (removed == 0) {
                stop = "no removable filters left (channel multiple " + cfg.channelMultiple() + ")";
                break;
            }
            if (cfg.bnReestimate()) {
                listener.phase("re-estimating batch-norm statistics");
                candidate = BatchNormReestimation.reestimate(candidate, samples);
            }
            if (betweenSteps != null) {
                listener.phase("fine-tuning between steps");
                candidate = betweenSteps.fineTune(candidate);
            }
            Model candidateView = BatchNormFolding.fold(candidate);
            Evaluation e = validation.evaluate(candidateView);
            long flops = candidateView.totalCost().flops();
            double drop = cur.accuracy() - e.accuracy();
            boolean overBudget = !Double.isNaN(cfg.maxAccuracyDrop()) && base.accuracy() - e.accuracy() > cfg.maxAccuracyDrop() + 1e-12;
            boolean keep;
            if (cfg.adaptive()) {
                keep = !overBudget && (drop <= cfg.tolerance() + 1e-12 || removed == 1);
            } else {
                keep = !overBudget;
            }
            double fr = 1 - (double) flops / flops0;
            PruningStep st = new PruningStep(steps.size(), rate, removed, keep, keep ? left - removed : left, flops, fr,
                    candidateView.parameterCount(), e.accuracy(), e.loss(), secondsSince(ts));
            steps.add(st);
            listener.step(st);
            if (keep) {
                current = candidate;
                cur = e;
                accepted++;
                ranking = null;
                if (cfg.adaptive() && drop <= cfg.tolerance() + 1e-12) rate = Math.min(cfg.maxRate(), rate * cfg.growth());
                while (nextCheckpoint < cfg.checkpoints().size() && fr >= cfg.checkpoints().get(nextCheckpoint) - 1e-9) {
                    listener.checkpoint(cfg.checkpoints().get(nextCheckpoint), candidateView, current, st);
                    nextCheckpoint++;
                }
                if (!Double.isNaN(target) && fr >= target - 1e-9) stop = String.format("FLOPs target reached (%.1f%% removed)", 100 * fr);
            } else if (overBudget && (removed == 1 || !cfg.adaptive())) {
                stop = String.format("accuracy budget reached: the next step would lose %.2f points", 100 * (base.accuracy() - e.accuracy()));
            } else {
                // Not below one unit's worth, so that growth after the next good step starts from a real step.
                rate = Math.max(rate * cfg.shrink(), 1.0 / left);
            }
        }
        return new Result(BatchNormFolding.fold(current), current, base, cur, flops0, List.copyOf(steps), stop);
    }

    private static String calibrationText(LossProbe p, Map<String, GlobalRanking.Calibration> cal) {
        StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "loss probe (%s; reference loss %.4f):", p.metric().cliName(), p.baseLoss()));
        for (Map.Entry<String, GlobalRanking.Calibration> e : cal.entrySet()) {
            b.append(String.format(java.util.Locale.ROOT, " %s -%d %+.4f", e.getKey(), e.getValue().probed(), e.getValue().lossIncrease()));
        }
        return b.toString();
    }

    private record Removal(Model model, int count) {}

    /**
     * The model without the {@code count} lowest units, or without the shortest prefix of them that
     * reaches {@code clip} (fraction of FLOPs removed) if a shorter one does: so the loop lands on a
     * FLOPs target instead of jumping past it. With {@code means}, the removed channels' means are
     * folded into the next layers' biases first.
     */
    private static Removal removeUpTo(Model m, GlobalRanking r, int count, double clip, long flops0, int multiple, Map<String, double[]> means) {
        Map<String, Set<Integer>> request = r.lowest(count, multiple);
        if (request.isEmpty()) return new Removal(m, 0);
        if (!Double.isNaN(clip) && removedFraction(FilterRemoval.remove(m, request), flops0) > clip + 1e-9 && units(request) > 1) {
            int lo = 1, hi = count;
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (removedFraction(FilterRemoval.remove(m, r.lowest(mid, multiple)), flops0) >= clip - 1e-9) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            request = r.lowest(hi, multiple);
        }
        Model base = means == null ? m : MeanCompensation.compensate(m, request, means);
        return new Removal(FilterRemoval.remove(base, request), units(request));
    }

    private static int units(Map<String, Set<Integer>> request) {
        int n = 0;
        for (Set<Integer> s : request.values()) n += s.size();
        return n;
    }

    private static double removedFraction(Model m, long flops0) {
        return 1 - (double) BatchNormFolding.fold(m).totalCost().flops() / flops0;
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
