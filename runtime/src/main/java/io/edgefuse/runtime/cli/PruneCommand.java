package io.edgefuse.runtime.cli;

import io.edgefuse.model.Model;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.pruner.BatchNormFolding;
import io.edgefuse.pruner.Criterion;
import io.edgefuse.pruner.Evaluation;
import io.edgefuse.pruner.PruningLoop;
import io.edgefuse.pruner.PruningStep;
import io.edgefuse.pruner.BatchedEvaluator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Prunes a Fashion-MNIST model's conv filters by a criterion, globally ranked across layers, with an adaptive"
                + " (or fixed) rate, until a FLOPs target or an accuracy budget; writes the smaller model and pruning.json to --out.",
                "Batch norms are folded into the convs first (with --bn-reestimate only for scoring and evaluation, so that their"
                + " statistics can be re-measured after each step; the written model has them folded). Decisions use a validation set held out of the training set;"
                + " the test set is only reported."})
final class PruneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "A model folder (or zoo name) taking 28x28x1 Fashion-MNIST images.")
    String model;

    @Option(names = "--criterion", defaultValue = "lrp", description = "lrp, l1, taylor or random. Default: ${DEFAULT-VALUE}.")
    String criterion;

    static final class Stop {
        @Option(names = "--target-flops", paramLabel = "F", description = "Stop once this fraction of the FLOPs is removed, e.g. 0.5.")
        Double targetFlops;

        @Option(names = "--max-accuracy-drop", paramLabel = "D", description = "Stop before validation accuracy falls more than D points below the original's.")
        Double maxDrop;
    }

    @ArgGroup(exclusive = false, multiplicity = "1")
    Stop stop;

    @Option(names = "--finetune-epochs", defaultValue = "0", description = "Fine-tune the pruned model this many epochs on the training images (not the validation part). Default: ${DEFAULT-VALUE}.")
    int finetuneEpochs;

    @Mixin
    PruneOptions options;

    @Option(names = "--out", required = true, description = "Folder for the pruned model (model.json, weights.safetensors) and pruning.json.")
    Path out;

    @Option(names = "--json", description = "Print the report as JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        PruneOptions o = options;
        double target = stop.targetFlops == null ? Double.NaN : stop.targetFlops;
        double drop = stop.maxDrop == null ? Double.NaN : stop.maxDrop;
        var cfg = o.config(target, drop, List.of());
        Criterion crit = Criterion.named(criterion, o.seed, o.lrpCriterion());
        Fine.check(finetuneEpochs, o);
        Model m = ModelArg.load(model, err);
        PruneData data = PruneData.load(m.input(), o, err);
        Fine fine = Fine.of(finetuneEpochs, data, o, m);
        BatchedEvaluator val = new BatchedEvaluator(data.validation()), test = new BatchedEvaluator(data.test());
        err.printf("pruning %s by %s, %s%n", m.name(), crit.name(), o.modeText());
        err.flush();
        PruningLoop.Result r = new PruningLoop(crit, data.reference(), val, null, cfg, new PruneProgress(err, "  ")).run(m);
        err.printf("stopped: %s%n", r.stopReason());
        err.println("evaluating on the test set ...");
        err.flush();
        Model folded = BatchNormFolding.fold(m);
        Evaluation t0 = test.evaluate(folded), t1 = test.evaluate(r.model());
        Model result = r.model();
        Evaluation tft = null, vft = null;
        if (fine != null) {
            result = fine.tune(result, err);
            tft = test.evaluate(result);
            vft = val.evaluate(result);
        }
        ModelFormat.write(result, this.out);
        Map<String, Object> report = report(m, folded, r, t0, t1, tft, vft, crit.name(), o);
        if (fine != null) report.put("finetuning", fine.describe());
        Json.write(this.out.resolve("pruning.json"), report);
        if (json) {
            Json.print(out, report);
        } else {
            Table t = new Table("model", "MFLOPs", "params", "validation acc %", "test acc %");
            t.row("original (folded)", String.format(Locale.ROOT, "%.2f", folded.totalCost().flops() / 1e6), folded.parameterCount(),
                    pct(r.original().accuracy()), pct(t0.accuracy()));
            t.row("pruned", String.format(Locale.ROOT, "%.2f", r.model().totalCost().flops() / 1e6), r.model().parameterCount(),
                    pct(r.last().accuracy()), pct(t1.accuracy()));
            if (tft != null) t.row("pruned + " + finetuneEpochs + " epoch(s) fine-tuning", "", "", pct(vft.accuracy()), pct(tft.accuracy()));
            t.print(out);
            out.printf(Locale.ROOT, "%.1f%% of FLOPs removed in %d steps (%d undone); model written to %s%n", 100 * r.flopsRemoved(),
                    r.steps().size() - 1, r.steps().stream().filter(s -> !s.accepted()).count(), this.out);
            out.flush();
        }
        return 0;
    }

    static String pct(double a) {
        return String.format(Locale.ROOT, "%.2f", 100 * a);
    }

    static Map<String, Object> report(Model m, Model folded, PruningLoop.Result r, Evaluation t0, Evaluation t1, Evaluation tft, Evaluation vft, String criterion,
            PruneOptions o) {
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("model", m.name());
        rep.put("criterion", criterion);
        rep.put("samplesPerClass", o.samplesPerClass);
        rep.put("seed", o.seed);
        rep.put("mode", o.modeText());
        rep.put("stopReason", r.stopReason());
        rep.put("originalFlops", folded.totalCost().flops());
        rep.put("prunedFlops", r.model().totalCost().flops());
        rep.put("flopsRemoved", r.flopsRemoved());
        rep.put("originalParams", folded.parameterCount());
        rep.put("prunedParams", r.model().parameterCount());
        rep.put("originalValAccuracy", r.original().accuracy());
        rep.put("prunedValAccuracy", r.last().accuracy());
        rep.put("originalTestAccuracy", t0.accuracy());
        rep.put("prunedTestAccuracy", t1.accuracy());
        if (tft != null) {
            rep.put("finetunedValAccuracy", vft.accuracy());
            rep.put("finetunedTestAccuracy", tft.accuracy());
        }
        rep.put("steps", steps(r.steps()));
        return rep;
    }

    static List<Map<String, Object>> steps(List<PruningStep> steps) {
        return steps.stream().map(s -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("step", s.step());
            x.put("rate", s.rate());
            x.put("removed", s.removed());
            x.put("accepted", s.accepted());
            x.put("filtersLeft", s.filters());
            x.put("flops", s.flops());
            x.put("flopsRemoved", s.flopsRemoved());
            x.put("params", s.params());
            x.put("valAccuracy", s.valAccuracy());
            x.put("valLoss", s.valLoss());
            x.put("seconds", s.seconds());
            return x;
        }).toList();
    }
}
