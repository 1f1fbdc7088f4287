package io.edgefuse.runtime.cli;

import io.edgefuse.model.Model;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.pruner.BatchNormFolding;
import io.edgefuse.pruner.Criterion;
import io.edgefuse.pruner.Evaluation;
import io.edgefuse.pruner.PruningConfig;
import io.edgefuse.pruner.PruningLoop;
import io.edgefuse.pruner.PruningStep;
import io.edgefuse.pruner.BatchedEvaluator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "prune-compare", mixinStandardHelpOptions = true,
        description = {"Runs the pruning loop once per criterion (lrp, l1, taylor, random) on the same reference samples and"
                + " validation set, stops at each FLOPs-removed point and measures test accuracy there (optionally after fine-tuning"
                + " a copy). Writes report.json, accuracy-vs-flops.svg and each point's model (CRITERION-PCT/) to --out; prints a table."})
final class PruneCompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "A model folder (or zoo name) taking 28x28x1 Fashion-MNIST images.")
    String model;

    @Option(names = "--points", defaultValue = "0.3,0.5,0.7", split = ",", description = "Fractions of FLOPs removed to measure at. Default: ${DEFAULT-VALUE}.")
    List<Double> points;

    @Option(names = "--criteria", defaultValue = "lrp,l1,taylor,random", split = ",", description = "Criteria to compare. Default: ${DEFAULT-VALUE}.")
    List<String> criteria;

    @Option(names = "--finetune-epochs", defaultValue = "0", description = "Also fine-tune a copy of each point's model this many epochs and test it. Default: ${DEFAULT-VALUE}.")
    int finetuneEpochs;

    @Mixin
    PruneOptions options;

    @Option(names = "--out", required = true, description = "Folder for report.json, accuracy-vs-flops.svg and the pruned models.")
    Path out;

    @Option(names = "--json", description = "Print report.json to stdout instead of a table.")
    boolean json;

    /** What was measured at one point of one criterion's run. */
    record Point(double target, double flopsRemoved, long flops, long params, double valAccuracy, double testAccuracy, Double finetunedTestAccuracy, Double finetunedValAccuracy, String folder) {}

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        PruneOptions o = options;
        PruningConfig cfg = o.config(Double.NaN, Double.NaN, points);
        List<Criterion> crits = new ArrayList<>();
        for (String c : criteria) crits.add(Criterion.named(c, o.seed, o.lrpCriterion()));
        Fine.check(finetuneEpochs, o);
        Model m = ModelArg.load(model, err);
        PruneData data = PruneData.load(m.input(), o, err);
        Fine fine = Fine.of(finetuneEpochs, data, o, m);
        BatchedEvaluator val = new BatchedEvaluator(data.validation()), test = new BatchedEvaluator(data.test());
        Model folded = BatchNormFolding.fold(m);
        err.println("testing the original model ...");
        err.flush();
        Evaluation t0 = test.evaluate(folded);
        Map<String, List<Point>> results = new LinkedHashMap<>();
        Map<String, Object> runs = new LinkedHashMap<>();
        for (Criterion c : crits) {
            err.printf("== %s: %s%n", c.name(), o.modeText());
            err.flush();
            List<Point> pts = new ArrayList<>();
            PruneProgress progress = new PruneProgress(err, "  " + c.name()) {
                @Override
                public void checkpoint(double target, Model pruned, Model withBatchNorms, PruningStep s) {
                    super.checkpoint(target, pruned, withBatchNorms, s);
                    String folder = String.format(Locale.ROOT, "%s-%02.0f", c.name(), 100 * target);
                    ModelFormat.write(pruned, out.resolve(folder));
                    Evaluation t = test.evaluate(pruned);
                    Double ft = null, ftVal = null;
                    if (fine != null) {
                        Model tuned = fine.tune(pruned, err);
                        ft = test.evaluate(tuned).accuracy();
                        ftVal = val.evaluate(tuned).accuracy();
                    }
                    pts.add(new Point(target, s.flopsRemoved(), s.flops(), s.params(), s.valAccuracy(), t.accuracy(), ft, ftVal, folder));
                    err.printf(Locale.ROOT, "  %s  test accuracy at %.1f%% FLOPs removed: %.2f%%%s%n", c.name(), 100 * s.flopsRemoved(), 100 * t.accuracy(),
                            ft == null ? "" : String.format(Locale.ROOT, ", after %d epoch(s) of fine-tuning %.2f%% (validation %.2f%%)", finetuneEpochs,
                                    100 * ft, 100 * ftVal));
                    err.flush();
                }
            };
            PruningLoop.Result r = new PruningLoop(c, data.reference(), val, null, cfg, progress).run(m);
            results.put(c.name(), pts);
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("points", pts);
            run.put("stopReason", r.stopReason());
            run.put("steps", PruneCommand.steps(r.steps()));
            runs.put(c.name(), run);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", m.name());
        report.put("samplesPerClass", o.samplesPerClass);
        report.put("seed", o.seed);
        report.put("validationImages", data.validation().size());
        report.put("testImages", data.test().size());
        report.put("mode", o.modeText());
        report.put("finetuneEpochs", finetuneEpochs);
        if (fine != null) report.put("finetuning", fine.describe());
        report.put("originalFlops", folded.totalCost().flops());
        report.put("originalParams", folded.parameterCount());
        report.put("originalTestAccuracy", t0.accuracy());
        report.put("criteria", runs);
        Json.write(out.resolve("report.json"), report);
        Path chart = out.resolve("accuracy-vs-flops.svg");
        SvgChart.write(chart, chart(m.name(), t0.accuracy(), results));
        if (json) {
            Json.print(stdout, report);
            return 0;
        }
        List<String> head = new ArrayList<>(List.of("criterion"));
        for (double p : points) head.add(String.format(Locale.ROOT, "test %% @%.0f%%", 100 * p));
        if (fine != null) for (double p : points) head.add(String.format(Locale.ROOT, "+%d ep @%.0f%%", finetuneEpochs, 100 * p));
        Table t = new Table(head.toArray(String[]::new));
        for (Map.Entry<String, List<Point>> e : results.entrySet()) {
            List<Object> row = new ArrayList<>(List.of(e.getKey()));
            for (int i = 0; i < points.size(); i++) row.add(i < e.getValue().size() ? PruneCommand.pct(e.getValue().get(i).testAccuracy()) : "-");
            if (fine != null) {
                for (int i = 0; i < points.size(); i++) row.add(i < e.getValue().size() ? PruneCommand.pct(e.getValue().get(i).finetunedTestAccuracy()) : "-");
            }
            t.row(row.toArray());
        }
        stdout.printf(Locale.ROOT, "%s: original test accuracy %.2f%% (%d images), %.2f MFLOPs; K = %d per class, %s%n", m.name(), 100 * t0.accuracy(),
                data.test().size(), folded.totalCost().flops() / 1e6, o.samplesPerClass, o.modeText());
        t.print(stdout);
        stdout.printf("report: %s; chart: %s%n", out.resolve("report.json"), chart);
        stdout.flush();
        return 0;
    }

    private String chart(String name, double original, Map<String, List<Point>> results) {
        List<SvgChart.Curve> curves = new ArrayList<>();
        double lo = original;
        for (Map.Entry<String, List<Point>> e : results.entrySet()) {
            List<double[]> pts = new ArrayList<>();
            pts.add(new double[] {0, 100 * original});
            for (Point p : e.getValue()) {
                pts.add(new double[] {100 * p.flopsRemoved(), 100 * p.testAccuracy()});
                lo = Math.min(lo, p.testAccuracy());
            }
            curves.add(new SvgChart.Curve(e.getKey(), pts, false));
        }
        if (finetuneEpochs > 0) {
            for (Map.Entry<String, List<Point>> e : results.entrySet()) {
                List<double[]> pts = new ArrayList<>();
                pts.add(new double[] {0, 100 * original});
                for (Point p : e.getValue()) {
                    pts.add(new double[] {100 * p.flopsRemoved(), 100 * p.finetunedTestAccuracy()});
                    lo = Math.min(lo, p.finetunedTestAccuracy());
                }
                curves.add(new SvgChart.Curve(e.getKey() + " + " + finetuneEpochs + " ep fine-tuning", pts, true));
            }
        }
        double yMin = Math.max(0, Math.floor(100 * lo / 5) * 5 - 5), yMax = Math.min(100, Math.ceil(100 * original / 5) * 5 + 5);
        double xMax = Math.min(100, Math.ceil(100 * points.get(points.size() - 1) / 10) * 10 + 10);
        return SvgChart.xy(name + ": test accuracy vs FLOPs removed (K = " + options.samplesPerClass + " per class)", "FLOPs removed (%)",
                "test accuracy (%)", curves, xMax, yMin, yMax, results.size());
    }
}
