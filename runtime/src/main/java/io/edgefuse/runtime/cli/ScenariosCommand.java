package io.edgefuse.runtime.cli;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.allocator.planner.Planner;
import io.edgefuse.allocator.planner.Planners;
import io.edgefuse.model.Model;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "scenarios", mixinStandardHelpOptions = true,
        description = {"Predicted latency of every planner on the documented scenario set (models x clusters x links),"
                + " as a Markdown table; the table in docs/planner.md is this command's output.",
                "Exits 1 when edgefuse is slower than any baseline in any scenario."})
final class ScenariosCommand implements Callable<Integer> {
    static final List<String> MODELS = List.of("vgg16", "yolov2", "resnet50", "mobilenetv2");
    static final List<String> CLUSTERS = List.of("2xpi4", "1xpi4,1xpi3", "4xpi4", "2xpi4,2xpi3", "1xpi5,1xpi4,2xpi3", "8xpi4", "2xpi5,3xpi4,3xpi3");
    static final List<String> LINKS = List.of("wifi20", "wifi50", "eth1g");
    static final List<String> BASELINES = List.of("single", "layerwise", "ftp", "aofl");

    @Spec
    CommandSpec spec;

    @Option(names = "--models", split = ",", description = "Subset of the models. Default: all four.")
    List<String> models = MODELS;

    @Option(names = "--json", description = "Print JSON instead of Markdown.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean neverSlower = true;
        if (!json) {
            out.println("| model | nodes | link | single | layerwise | ftp | aofl | edgefuse | edgefuse / best baseline | speedup vs single | bound |");
            out.println("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        }
        for (String name : models) {
            Model m = ModelArg.graph(name);
            CostModel cost = new CostModel(m);
            for (String nodes : CLUSTERS) {
                for (String link : LINKS) {
                    Cluster c = Cluster.parse(nodes, link);
                    Map<String, Double> ms = new LinkedHashMap<>();
                    for (String p : BASELINES) ms.put(p, latencyMs(cost, c, Planners.get(p)));
                    double ours = latencyMs(cost, c, Planners.get("edgefuse"));
                    double bestBaseline = ms.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                    neverSlower &= ours <= bestBaseline * (1 + 1e-9);
                    double bound = cost.lowerBoundSeconds(c) * 1000;
                    if (json) {
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("model", name);
                        r.put("nodes", nodes);
                        r.put("link", link);
                        r.putAll(ms);
                        r.put("edgefuse", ours);
                        r.put("ratioToBestBaseline", ours / bestBaseline);
                        r.put("speedupOverSingle", ms.get("single") / ours);
                        r.put("lowerBoundMs", bound);
                        rows.add(r);
                    } else {
                        out.printf("| %s | %s | %s | %.0f | %.0f | %.0f | %.0f | **%.0f** | %.3f | %.2fx | %.0f |%n", name, nodes, link,
                                ms.get("single"), ms.get("layerwise"), ms.get("ftp"), ms.get("aofl"), ours, ours / bestBaseline, ms.get("single") / ours, bound);
                    }
                    out.flush();
                }
            }
            err.println(name + " done");
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("neverSlowerThanABaseline", neverSlower);
            doc.put("scenarios", rows);
            Json.print(out, doc);
        } else {
            out.println();
            out.println(neverSlower ? "edgefuse is never slower than any baseline in these scenarios." : "edgefuse is SLOWER than a baseline in some scenario.");
        }
        out.flush();
        return neverSlower ? 0 : 1;
    }

    private static double latencyMs(CostModel cost, Cluster c, Planner p) {
        return cost.plan(p.plan(cost, c), c).latencyMs();
    }
}
