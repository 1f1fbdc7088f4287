package io.edgefuse.runtime.cli;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cluster.Profiles;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.allocator.cost.PlanCost;
import io.edgefuse.allocator.planner.Planner;
import io.edgefuse.allocator.planner.Planners;
import io.edgefuse.allocator.sim.ClusterEvent;
import io.edgefuse.allocator.sim.SimOptions;
import io.edgefuse.allocator.sim.SimResult;
import io.edgefuse.allocator.sim.Simulator;
import io.edgefuse.model.Model;
import io.edgefuse.model.plan.Assignment;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.plan.StagePlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulates a stream of requests over an emulated cluster for each planner and compares latency, speedup over"
                + " a single node, the lower bound (all work over all capacity, free communication), idle time and bytes moved.",
                "Events change the cluster mid-stream; the coordinator re-plans from what it observes, as the real one does from heartbeats."})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Zoo name or model folder (only the graph is used).")
    String model;

    @Option(names = "--nodes", defaultValue = "2xpi4,2xpi3", description = "Device profiles with counts: pi3, pi4, pi5. Default: ${DEFAULT-VALUE}.")
    String nodes;

    @Option(names = "--link", defaultValue = "wifi50", description = "Link profile of every node: wifi20, wifi50, wifi100, eth100, eth1g. Default: ${DEFAULT-VALUE}.")
    String link;

    @Option(names = "--planners", defaultValue = "all", description = "all, or a list of: edgefuse, aofl, ftp, layerwise, single. Default: ${DEFAULT-VALUE}.")
    String planners;

    @Option(names = "--requests", defaultValue = "20", description = "Requests in the stream. Default: ${DEFAULT-VALUE}.")
    int requests;

    @Option(names = "--jitter", defaultValue = "0.05", description = "Relative std. deviation of compute and transfer times. Default: ${DEFAULT-VALUE}.")
    double jitter;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the jitter. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--event", description = {"A change before request R (repeatable):", "  slow@R:NODE:FACTOR   node runs at FACTOR of its speed",
            "  bw@R:FACTOR or bw@R:NODE:FACTOR   bandwidth multiplied", "  leave@R:NODE", "  join@R:PROFILE   a new node (e.g. pi5)"})
    List<String> events = new ArrayList<>();

    @Option(names = "--no-replan", description = "Keep the first plan whatever happens.")
    boolean noReplan;

    @Option(names = "--plan", description = "Print each planner's chosen blocks and tiles.")
    boolean printPlan;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--chart", description = "Write an SVG chart: latency per planner, or latency per request when there are events.")
    Path chart;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (requests < 1) throw new IllegalArgumentException("--requests must be >= 1");
        Model m = ModelArg.graph(model);
        Cluster cluster = Cluster.parse(nodes, link);
        CostModel cost = new CostModel(m);
        List<ClusterEvent> evs = parseEvents(events, link);
        SimOptions opts = SimOptions.of(requests).withJitter(jitter).withSeed(seed).withEvents(evs).withReplan(!noReplan);
        double lower = cost.lowerBoundSeconds(cluster) * 1000;
        List<Planner> ps = Planners.parse(planners);
        Map<String, SimResult> results = new LinkedHashMap<>();
        Map<String, Plan> plans = new LinkedHashMap<>();
        for (Planner p : ps) {
            plans.put(p.name(), p.plan(cost, cluster));
            results.put(p.name(), new Simulator(cost, p).run(cluster, opts));
        }
        double singleP50 = results.containsKey("single") ? results.get("single").p50() : new Simulator(cost, Planners.get("single")).run(cluster, opts).p50();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", m.name());
            doc.put("nodes", cluster.describe());
            doc.put("requests", requests);
            doc.put("lowerBoundMs", lower);
            List<Map<String, Object>> rows = new ArrayList<>();
            results.forEach((name, r) -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("planner", name);
                row.put("p50Ms", r.p50() * 1000);
                row.put("p95Ms", r.p95() * 1000);
                row.put("speedup", singleP50 / r.p50());
                row.put("idleFraction", r.meanIdleFraction());
                row.put("bytesPerRequest", r.bytesMoved() / requests);
                row.put("stages", r.stages());
                row.put("tiles", r.tiles());
                row.put("replans", r.replans());
                row.put("latenciesMs", r.latencies().stream().map(v -> v * 1000).toList());
                rows.add(row);
            });
            doc.put("planners", rows);
            Json.print(out, doc);
        } else {
            out.printf("%s on %s (%d requests, jitter %.0f%%)%n", m.name(), cluster.describe(), requests, jitter * 100);
            Table t = new Table("planner", "p50 ms", "p95 ms", "speedup", "vs bound", "idle", "MB/req", "stages", "tiles", "replans");
            results.forEach((name, r) -> t.row(name, f1(r.p50() * 1000), f1(r.p95() * 1000), String.format("%.2fx", singleP50 / r.p50()),
                    String.format("%.2fx", r.p50() * 1000 / lower), String.format("%.0f%%", r.meanIdleFraction() * 100),
                    String.format("%.2f", r.bytesMoved() / 1e6 / requests), r.stages(), r.tiles(), r.replans()));
            t.print(out);
            out.printf("lower bound (all work over all capacity, free communication): %.1f ms; ideal speedup %.2fx%n", lower, singleP50 * 1000 / lower);
            if (printPlan) plans.forEach((name, p) -> printPlan(out, m, cost, cluster, p));
            out.flush();
        }
        if (chart != null) {
            SvgChart.write(chart, evs.isEmpty() ? barChart(m, cluster, results, singleP50, lower) : lineChart(m, cluster, results));
            spec.commandLine().getErr().println("chart written to " + chart);
        }
        return 0;
    }

    private static String barChart(Model m, Cluster c, Map<String, SimResult> results, double singleP50, double lower) {
        List<SvgChart.Bar> bars = new ArrayList<>();
        results.forEach((name, r) -> bars.add(new SvgChart.Bar(name, r.p50() * 1000, r.p95() * 1000,
                String.format("%.0f ms, %.2fx", r.p50() * 1000, singleP50 / r.p50()))));
        return SvgChart.bars(m.name() + " on " + c.describe() + ": p50 latency, whisker to p95", "latency (ms)", bars, lower, "lower bound");
    }

    private static String lineChart(Model m, Cluster c, Map<String, SimResult> results) {
        List<SvgChart.Series> series = new ArrayList<>();
        results.forEach((name, r) -> series.add(new SvgChart.Series(name, r.latencies().stream().map(v -> v * 1000).toList())));
        return SvgChart.lines(m.name() + " on " + c.describe() + ": latency per request", "latency (ms)", series);
    }

    static void printPlan(PrintWriter out, Model m, CostModel cost, Cluster c, Plan p) {
        PlanCost pc = cost.plan(p, c);
        out.printf("%nplan %s: %d stages, predicted %.1f ms%n", p.planner(), p.stageCount(), pc.latencyMs());
        for (int i = 0; i < p.stages().size(); i++) {
            StagePlan sp = p.stages().get(i);
            out.printf("  stage %d: %s (%d nodes) %.1f ms%n", i + 1, sp.stage().describe(m), sp.stage().size(), pc.stages().get(i).makespan() * 1000);
            for (Assignment a : sp.assignments()) out.printf("    %-10s %s%n", a.device(), a.region() == null ? "whole" : a.region());
        }
    }

    static List<ClusterEvent> parseEvents(List<String> specs, String link) {
        List<ClusterEvent> out = new ArrayList<>();
        int joined = 0;
        for (String s : specs) {
            String[] kindRest = s.split("@", 2);
            if (kindRest.length != 2) throw new IllegalArgumentException("bad --event '" + s + "' (e.g. slow@10:pi4-1:0.5)");
            String[] p = kindRest[1].split(":");
            try {
                int at = Integer.parseInt(p[0]);
                out.add(switch (kindRest[0]) {
                    case "slow" -> new ClusterEvent.Slowdown(at, p[1], Double.parseDouble(p[2]));
                    case "bw" -> p.length == 2 ? new ClusterEvent.Bandwidth(at, null, Double.parseDouble(p[1])) : new ClusterEvent.Bandwidth(at, p[1], Double.parseDouble(p[2]));
                    case "leave" -> new ClusterEvent.Leave(at, p[1]);
                    case "join" -> new ClusterEvent.Join(at, new ClusterNode(p[1] + "-joined-" + (++joined), Profiles.device(p[1]), Profiles.link(link)));
                    default -> throw new IllegalArgumentException("unknown event kind '" + kindRest[0] + "' (slow, bw, leave, join)");
                });
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                throw new IllegalArgumentException("bad --event '" + s + "' (e.g. slow@10:pi4-1:0.5, bw@10:0.5, leave@5:pi3-1, join@8:pi5)");
            }
        }
        return out;
    }

    private static String f1(double v) {
        return String.format("%.1f", v);
    }
}
