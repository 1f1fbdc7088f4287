package io.edgefuse.runtime.cli;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.allocator.planner.Planner;
import io.edgefuse.allocator.planner.Planners;
import io.edgefuse.model.Model;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.plan.PartitionCheck;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.tensor.Tensor;
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

@Command(name = "check-partition", mixinStandardHelpOptions = true,
        description = {"Runs a model monolithically and partitioned (uneven row stripes, 2-D grids, several fused-block cuts,"
                + " layer-by-layer) on a random input and compares the outputs.",
                "Exits 1 when any plan's error exceeds 1e-4 of the output's max magnitude."})
final class CheckPartitionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Zoo name (vgg16, yolov2, resnet18, resnet50, mobilenetv2) or a model folder.")
    String model;

    @Option(names = "--devices", defaultValue = "4", split = ",", description = "Number of devices to split over; several allowed: 2,3,4,7. Default: ${DEFAULT-VALUE}.")
    List<Integer> devices;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for the input and the random splits. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--planner", split = ",", description = "Check the plans of these planners (all, or edgefuse, aofl, ftp, layerwise, single) instead of the built-in test splits.")
    List<String> planners;

    @Option(names = "--nodes", description = "With --planner: the cluster to plan for, e.g. 2xpi4,2xpi3 (default: N nodes alternating pi4 and pi3).")
    String nodes;

    @Option(names = "--link", defaultValue = "wifi50", description = "With --planner: link profile. Default: ${DEFAULT-VALUE}.")
    String link;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Mixin
    ExecutorOptions executors;

    private List<Plan> plannerPlans(Model m, int n) {
        Cluster c;
        if (nodes != null) {
            c = Cluster.parse(nodes, link);
        } else {
            StringBuilder spec = new StringBuilder();
            for (int i = 0; i < n; i++) spec.append(i == 0 ? "" : ",").append(i % 2 == 0 ? "pi4" : "pi3");
            c = Cluster.parse(spec.toString(), link);
        }
        CostModel cost = new CostModel(m);
        List<Plan> plans = new ArrayList<>();
        for (String p : planners) {
            for (Planner pl : Planners.parse(p)) plans.add(pl.plan(cost, c));
        }
        return plans;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Model m = ModelArg.load(model, err);
        Tensor input = Tensor.random(seed, -1f, 1f, m.input().shape().dims());
        List<Map<String, Object>> report = new ArrayList<>();
        boolean ok = true;
        Table table = new Table("devices", "plan", "stages", "tiles", "max abs err", "rel err", "feature rel err", "scatter MB", "ms", "result");
        try (Executor ex = executors.create()) {
            for (int n : devices) {
                if (n < 1) throw new IllegalArgumentException("--devices must be >= 1, got " + n);
                List<Plan> plans = planners == null ? PartitionCheck.testPlans(m, n, seed + n) : plannerPlans(m, n);
                if (!json) {
                    err.printf("%s on %d devices: %d plans, executor %s%n", m.name(), n, plans.size(), ex.name());
                    err.flush();
                }
                for (PartitionCheck.Case c : PartitionCheck.run(m, plans, input, ex, d -> ex)) {
                    ok &= c.passed();
                    table.row(n, c.name(), c.stages(), c.tiles(), String.format("%.3e", c.maxAbsError()), String.format("%.3e", c.relativeError()),
                            String.format("%.3e", c.featureRelativeError()), String.format("%.1f", c.scatteredBytes() / 1e6), c.millis(), c.passed() ? "PASS" : "FAIL");
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("devices", n);
                    r.put("plan", c.name());
                    r.put("stages", c.stages());
                    r.put("tiles", c.tiles());
                    r.put("maxAbsError", c.maxAbsError());
                    r.put("relativeError", c.relativeError());
                    r.put("featureRelativeError", c.featureRelativeError());
                    r.put("scatteredBytes", c.scatteredBytes());
                    r.put("gatheredBytes", c.gatheredBytes());
                    r.put("millis", c.millis());
                    r.put("passed", c.passed());
                    report.add(r);
                }
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("model", m.name());
                doc.put("executor", ex.name());
                doc.put("tolerance", PartitionCheck.TOLERANCE);
                doc.put("passed", ok);
                doc.put("cases", report);
                Json.print(out, doc);
            } else {
                table.print(out);
                out.println(ok ? "all plans within " + PartitionCheck.TOLERANCE + " relative error" : "FAILED: some plans exceed " + PartitionCheck.TOLERANCE + " relative error");
                out.flush();
            }
        }
        return ok ? 0 : 1;
    }
}
