package io.edgefuse.runtime.cli;

import io.edgefuse.allocator.cluster.DeviceProfile;
import io.edgefuse.allocator.cost.CostValidation;
import io.edgefuse.model.Model;
import io.edgefuse.model.exec.CapacityProbe;
import io.edgefuse.model.exec.Executor;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "cost-check", mixinStandardHelpOptions = true,
        description = {"Checks the planner's cost model against this machine: measures the executor's GFLOP/s per op class with the"
                + " node micro-benchmark, predicts each stage's compute time from it, and compares with the measured time of"
                + " the whole stage (median of several runs after warm-up)."})
final class CostCheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "vgg16,resnet50", split = ",", description = "Models to check. Default: ${DEFAULT-VALUE}.")
    List<String> models;

    @Option(names = "--parts", defaultValue = "5", description = "Stages of roughly equal work per model. Default: ${DEFAULT-VALUE}.")
    int parts;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per stage. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Mixin
    ExecutorOptions executors;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Executor ex = executors.create()) {
            CapacityProbe.Capacity cap = CapacityProbe.measure(ex);
            DeviceProfile host = DeviceProfile.measured("host", cap.gflops(), cap.layerOverheadMs(), cap.taskOverheadMs(), Runtime.getRuntime().maxMemory());
            if (!json) {
                out.println("measured on this machine (" + ex.name() + " executor): " + fmt(cap.gflops()) + ", " + String.format("%.2f", cap.taskOverheadMs()) + " ms fixed per run");
            }
            Table t = new Table("model", "stage", "layers", "GFLOP", "predicted ms", "measured ms", "error");
            for (String name : models) {
                Model m = ModelArg.load(name, err);
                double p = 0, q = 0;
                for (CostValidation.StageCheck c : CostValidation.run(m, ex, host, parts, runs)) {
                    t.row(m.name(), c.stage(), c.nodes(), String.format("%.2f", c.gflop()), String.format("%.1f", c.predictedMs()),
                            String.format("%.1f", c.measuredMs()), String.format("%+.0f%%", 100 * c.error()));
                    p += c.predictedMs();
                    q += c.measuredMs();
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("model", m.name());
                    r.put("stage", c.stage());
                    r.put("gflop", c.gflop());
                    r.put("predictedMs", c.predictedMs());
                    r.put("measuredMs", c.measuredMs());
                    r.put("error", c.error());
                    rows.add(r);
                }
                t.row(m.name(), "whole model", m.size(), String.format("%.2f", m.totalCost().flops() / 1e9), String.format("%.1f", p), String.format("%.1f", q), String.format("%+.0f%%", 100 * (p - q) / q));
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("executor", ex.name());
                doc.put("gflops", cap.gflops());
                doc.put("taskOverheadMs", cap.taskOverheadMs());
                doc.put("stages", rows);
                Json.print(out, doc);
            } else {
                t.print(out);
            }
        }
        out.flush();
        return 0;
    }

    private static String fmt(Map<String, Double> g) {
        StringBuilder sb = new StringBuilder();
        g.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format("%.1f", v)).append(" GFLOP/s"));
        return sb.toString();
    }
}
