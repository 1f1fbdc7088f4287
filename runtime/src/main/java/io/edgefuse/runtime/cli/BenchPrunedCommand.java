package io.edgefuse.runtime.cli;

import io.edgefuse.engine.tf.TfBench;
import io.edgefuse.engine.tf.TfExecutor;
import io.edgefuse.model.Model;
import io.edgefuse.pruner.BatchNormFolding;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench-pruned", mixinStandardHelpOptions = true,
        description = {"Latency of a pruned model against its original on the tf executor, measured side by side in one run"
                + " (round-robin, medians): the original as given, the original with batch norms folded (what the pruner starts"
                + " from), and the pruned model: batch 1 on the tile executor (what a node runs per request), and batches of"
                + " --batch images through the plain batched graph (throughput). Time saved = 1 - pruned / folded original."})
final class BenchPrunedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The original model (folder or zoo name).")
    String model;

    @Option(names = "--pruned", required = true, description = "The pruned model's folder (e.g. written by prune or prune-compare).")
    String pruned;

    @Option(names = "--warmup", defaultValue = "20", description = "Untimed rounds first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--iterations", defaultValue = "300", description = "Timed rounds (one run of each model per round). Default: ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = "--threads", defaultValue = "1", description = "TensorFlow intra-op threads (a gateway node runs one request per core). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size of the throughput measurement (0: skip it). Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (batch < 0) throw new IllegalArgumentException("--batch must be >= 0, got " + batch);
        if (iterations < 1 || warmup < 0) throw new IllegalArgumentException("--iterations must be >= 1 and --warmup >= 0");
        Model original = ModelArg.load(model, err), small = ModelArg.load(pruned, err);
        if (!original.input().shape().equals(small.input().shape()) || !original.outputShape().equals(small.outputShape())) {
            throw new IllegalArgumentException("'" + pruned + "' takes " + small.input().shape() + " and gives " + small.outputShape()
                    + ", but '" + model + "' takes " + original.input().shape() + " and gives " + original.outputShape() + ": not a pruned version of it");
        }
        Model folded = BatchNormFolding.fold(original);
        List<Model> models = List.of(original, folded, small);
        err.printf("timing %d warm-up + %d rounds of 3 models on the tf executor, %d thread(s), batch 1%n", warmup, iterations, threads);
        err.flush();
        double[] ms;
        try (TfExecutor tf = new TfExecutor(threads, 1)) {
            ms = TfBench.sideBySide(models, tf, warmup, iterations);
        }
        int rounds = Math.max(1, iterations / 10);
        double[] bms = null;
        if (batch > 0) {
            err.printf("timing %d warm-up + %d rounds of 3 models, batches of %d, plain batched graph, %d thread(s)%n", Math.max(1, warmup / 10), rounds, batch, threads);
            err.flush();
            bms = TfBench.batchedSideBySide(models, batch, threads, Math.max(1, warmup / 10), rounds);
        }
        String[] names = {"original", "original, batch norms folded", "pruned"};
        double speedup = 1 - ms[2] / ms[1];
        double batchSpeedup = bms == null ? Double.NaN : 1 - bms[2] / bms[1];
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            for (int k = 0; k < 3; k++) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("flops", models.get(k).totalCost().flops());
                x.put("params", models.get(k).parameterCount());
                x.put("msPerImage", ms[k]);
                if (bms != null) x.put("msPerBatch", bms[k]);
                r.put(names[k], x);
            }
            r.put("flopsRemoved", 1 - (double) small.totalCost().flops() / folded.totalCost().flops());
            r.put("timeSaved", speedup);
            if (bms != null) {
                r.put("batch", batch);
                r.put("timeSavedBatched", batchSpeedup);
            }
            r.put("iterations", iterations);
            r.put("threads", threads);
            Json.print(out, r);
            return 0;
        }
        Table t = bms == null ? new Table("model", "MFLOPs", "params", "ms / image (batch 1)", "vs folded")
                : new Table("model", "MFLOPs", "params", "ms / image (batch 1)", "vs folded", "ms / batch of " + batch, "ms / image in batch", "vs folded ");
        for (int k = 0; k < 3; k++) {
            String f = String.format(Locale.ROOT, "%.2f", models.get(k).totalCost().flops() / 1e6);
            String a = String.format(Locale.ROOT, "%.3f", ms[k]), av = String.format(Locale.ROOT, "%.2fx", ms[1] / ms[k]);
            if (bms == null) {
                t.row(names[k], f, models.get(k).parameterCount(), a, av);
            } else {
                t.row(names[k], f, models.get(k).parameterCount(), a, av, String.format(Locale.ROOT, "%.2f", bms[k]),
                        String.format(Locale.ROOT, "%.3f", bms[k] / batch), String.format(Locale.ROOT, "%.2fx", bms[1] / bms[k]));
            }
        }
        t.print(out);
        double fewer = 100 * (1 - (double) small.totalCost().flops() / folded.totalCost().flops());
        out.printf(Locale.ROOT, "pruned: %.1f%% fewer FLOPs; %.1f%% less time per image at batch 1 (tf executor, medians of %d interleaved rounds)%s%n",
                fewer, 100 * speedup, iterations, bms == null ? "" : String.format(Locale.ROOT, ", %.1f%% less at batch %d (medians of %d rounds)", 100 * batchSpeedup, batch, rounds));
        out.flush();
        return 0;
    }
}
