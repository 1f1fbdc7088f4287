package io.edgefuse.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cluster.LinkProfile;
import io.edgefuse.allocator.cluster.OpClass;
import io.edgefuse.allocator.cluster.Profiles;
import io.edgefuse.allocator.coordinator.CoordinatorConfig;
import io.edgefuse.allocator.coordinator.Membership;
import io.edgefuse.allocator.coordinator.MessagePathEstimate;
import io.edgefuse.allocator.coordinator.MqttCoordinator;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.allocator.planner.Planners;
import io.edgefuse.allocator.sim.SimOptions;
import io.edgefuse.allocator.sim.SimResult;
import io.edgefuse.allocator.sim.Simulator;
import io.edgefuse.model.Model;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.protocol.DType;
import io.edgefuse.runtime.testbed.EmulatedCluster;
import io.edgefuse.runtime.testbed.Hub;
import io.edgefuse.runtime.testbed.NodeQuotas;
import io.edgefuse.runtime.testbed.NodeThreads;
import io.edgefuse.runtime.testbed.ShapedLinks;
import io.edgefuse.runtime.testbed.TestbedState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"End-to-end benchmark on the emulated cluster (needs root; docs/testbed.md): the same request stream through each"
                + " planner on the same nodes, one after the other in one run. Brings the cluster up (or reuses one that is up with the"
                + " same nodes, link and model) and down again. Prints p50/p95 latency, throughput, speedup over single (the fastest node"
                + " alone), bytes on the wire per request, and the simulator's prediction beside each measured figure."})
final class BenchClusterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterCommand.UpOptions up;

    @Option(names = "--model", required = true, description = "Zoo name or model folder, e.g. vgg16, yolov2.")
    String model;

    @Option(names = "--planners", defaultValue = "edgefuse,aofl,ftp,layerwise,single", split = ",", description = "Planners to compare. Default: ${DEFAULT-VALUE}.")
    List<String> planners;

    @Option(names = "--requests", defaultValue = "3", description = "Timed requests per planner (one at a time). Default: ${DEFAULT-VALUE}.")
    int requests;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed requests per planner first (nodes build the plan's tile graphs, the JIT compiles their task path). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--learn", defaultValue = "3", description = "Untimed requests per planner under the nodes' CPU quotas after the warm-up,"
            + " from which the coordinator of the timed requests learns each node's message path (starting from what the previous planners'"
            + " coordinators learned), with plans held until they are done; if the plan changes with what was learned, one more warm-up"
            + " request builds its tile graphs. The simulator predicts the timed requests with those figures; nothing is learned during"
            + " the timed requests. Default: ${DEFAULT-VALUE}.")
    int learn;

    @Option(names = "--dtype", defaultValue = "float32", description = "Tensors on the wire to the nodes: float32 or float16. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--chart", paramLabel = "FILE", description = "Write an SVG bar chart (measured p50 with whisker to p95, simulator and ideal marked).")
    Path chart;

    @Option(names = "--in-hub", hidden = true, description = "Already inside the hub namespace, the cluster up.")
    boolean inHub;

    @Option(names = "--quotas-via-pid", hidden = true, description = "A process outside the hub namespace through which the node cgroups are reached.")
    long quotasViaPid;

    @Option(names = "--throttled-warmup", description = "Run the warm-up requests under the nodes' CPU quotas too (by default the quotas are lifted"
            + " for warm-up, so that building the plan's tile graphs and JIT compilation, deploy-time work on a real gateway, do not take"
            + " minutes at emulated speed; they are restored and read back before the timed requests).")
    boolean throttledWarmup;

    @Override
    public Integer call() throws Exception {
        if (requests < 1 || warmup < 0 || learn < 0) throw new IllegalArgumentException("--requests must be >= 1, --warmup and --learn >= 0");
        for (String p : planners) Planners.get(p);
        DType.valueOf(dtype.toUpperCase(java.util.Locale.ROOT));
        if (!inHub) return orchestrate();
        return measure();
    }

    /** In the root namespace: cluster up (unless a matching one is up), the measurement in the hub, cluster down. */
    private int orchestrate() {
        PrintWriter err = spec.commandLine().getErr();
        EmulatedCluster.requireRoot();
        TestbedState st = TestbedState.read();
        boolean reuse = st != null && st.ready && st.link.equals(up.link) && st.models.contains(model) && sameNodes(st);
        EmulatedCluster ec = new EmulatedCluster();
        if (reuse) err.println("using the emulated cluster that is up (" + st.nodes.size() + " nodes, " + st.link + "); it stays up");
        else ec.up(up.spec(List.of(model)), err);
        Thread abort = new Thread(() -> {
            if (!reuse) ec.down(err);
        });
        Runtime.getRuntime().addShutdownHook(abort);
        // Threads the nodes create while serving (a task worker is started by the event loop, in its group)
        // are moved to their groups every few seconds for the whole run.
        TestbedState running = TestbedState.read();
        err.println("threads: " + NodeThreads.applyAll(ec.cgroups(), running));
        try (NodeThreads.Keeper keeper = new NodeThreads.Keeper(ec.cgroups(), running, err)) {
            List<String> args = new ArrayList<>(List.of("bench", "cluster"));
            List<String> orig = spec.commandLine().getParseResult().originalArgs();
            int at = orig.indexOf("cluster");
            args.addAll(orig.subList(at + 1, orig.size()));
            args.add("--in-hub");
            args.addAll(List.of("--quotas-via-pid", String.valueOf(ProcessHandle.current().pid())));
            return Hub.run(args);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(abort);
                if (!reuse) ec.down(err);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook removes the cluster
            }
        }
    }

    private boolean sameNodes(TestbedState st) {
        List<String> want = Cluster.parse(up.nodes, up.link).nodes().stream().map(ClusterNode::name).toList();
        return want.equals(st.nodes.stream().map(TestbedState.NodeEntry::id).toList()) && Math.abs(st.scale - up.scale) < 1e-9;
    }

    record Row(String planner, double p50, double p95, double throughput, double simP50, double bytesPerRequest, double simBytesPerRequest,
               int stages, int tiles, List<Double> latencies, int errors, Map<String, MessagePathEstimate> messagePaths) {}

    private int measure() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        TestbedState st = TestbedState.read();
        if (st == null || !st.ready) throw new IllegalArgumentException("no emulated cluster is up (edgefuse cluster up ...)");
        Model m = ModelArg.load(model, err);
        LinkProfile link = Profiles.link(st.link);
        DType wire = DType.valueOf(dtype.toUpperCase(java.util.Locale.ROOT));
        List<Row> rows = new ArrayList<>();
        Cluster believed = null;
        // What the timed coordinators learn of the nodes' message paths goes from one planner's to the next:
        // it is the nodes' property, not the plan's.
        Map<String, MessagePathEstimate> learned = Map.of();
        double loadAtStart = loadAverage();
        NodeQuotas quotas = throttledWarmup || quotasViaPid <= 0 ? null : NodeQuotas.viaProcess(quotasViaPid, st);
        if (quotas == null && !throttledWarmup) err.println("warning: the node cgroups are out of reach (no --quotas-via-pid): warm-up runs under the quotas");
        for (String p : planners) {
            err.printf("%s: %d warm-up + %d timed request(s) of %s...%n", p, warmup, requests, m.name());
            err.flush();
            MqttCoordinator.Settings d = MqttCoordinator.Settings.of(Hub.BROKER_HOST, ShapedLinks.BROKER_PORT, Map.of(m.name(), m));
            // An emulated node is throttled as a whole: a GC pause or a busy moment at a few percent of a core
            // delays its heartbeat by seconds, which the default 3.5 s would take for a lost node.
            MqttCoordinator.Settings s = new MqttCoordinator.Settings(d.brokerHost(), d.brokerPort(), d.topicRoot(), d.models(), d.maxRequestBytes(),
                    d.maxInFlight(), d.topK(), 30_000);
            CoordinatorConfig cfg = new CoordinatorConfig(p, link, wire, 600_000, 120_000, 4.0, 2);
            try (MqttCoordinator c = new MqttCoordinator(s, cfg).start()) {
                Cluster cl = awaitNodes(c, m, st.nodes.size(), link);
                if (believed == null) believed = cl;
                Membership mem = c.membership();
                mem.adoptMessagePaths(learned);
                // Tiles run with the quotas lifted say nothing about the nodes: nothing is learned from them.
                mem.learning(Membership.Learning.NONE);
                if (warmup > 0) warmUnthrottled(m, p, warmup, quotas, err);
                if (learn > 0) {
                    // Under the quotas, the message path only (compute stays the nodes' probes, as the timed plan's
                    // prediction assumes), with plans held: a re-plan mid-way would make the nodes build new tile
                    // graphs at the emulated speed, which takes minutes.
                    Plan before = c.coordinator().currentPlan(m);
                    mem.learning(Membership.Learning.MESSAGE_PATH);
                    mem.holdPlans(true);
                    try {
                        learn(m, p, err);
                    } finally {
                        mem.learning(Membership.Learning.NONE);
                        mem.holdPlans(false);
                    }
                    Plan after = c.coordinator().currentPlan(m);
                    if (!after.equals(before) && warmup > 0) {
                        err.printf("  re-planned with the learned message paths (%d -> %d stages, %d -> %d tiles): one more warm-up for its tile graphs%n",
                                before.stageCount(), after.stageCount(), tiles(before), tiles(after));
                        warmUnthrottled(m, p + "-replanned", 1, quotas, err);
                    }
                }
                // The prediction is made here, before the timed requests, from what this coordinator plans them
                // with: the nodes' status and the message paths learned so far. Nothing is learned during the
                // timed requests, so they all run this plan.
                Cluster predicted = mem.cluster(m.name(), m.version(), link);
                Map<String, MessagePathEstimate> paths = mem.messagePaths();
                err.println("  message paths learned under the quotas (the simulator predicts with these): " + describe(paths));
                rows.add(run(c, m, p, predicted, paths, st, err));
                learned = paths;
            }
        }
        double single = rows.stream().filter(r -> r.planner().equals("single")).mapToDouble(Row::p50).findFirst().orElse(Double.NaN);
        double sum = 0, best = 0;
        for (ClusterNode n : believed.nodes()) {
            sum += n.device().gflops(OpClass.CONV);
            best = Math.max(best, n.device().gflops(OpClass.CONV));
        }
        double ideal = sum / best;
        double loadAtEnd = loadAverage();
        if (json) {
            List<Map<String, Object>> l = new ArrayList<>();
            for (Row r : rows) l.add(rowJson(r, single));
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", m.name());
            doc.put("link", st.link);
            doc.put("nodes", st.nodes.stream().map(TestbedState.NodeEntry::id).toList());
            doc.put("measuredConvGflops", believed.nodes().stream().collect(java.util.stream.Collectors.toMap(ClusterNode::name, n -> n.device().gflops(OpClass.CONV))));
            doc.put("idealSpeedup", ideal);
            List<Map<String, Object>> q = new ArrayList<>();
            for (TestbedState.NodeEntry n : st.nodes) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("node", n.id());
                j.put("computeCoreFraction", n.coreFraction());
                j.put("ioCoreFraction", n.ioFraction());
                j.put("targetConvGflops", n.targetConvGflops());
                q.add(j);
            }
            doc.put("quotas", q);
            doc.put("dtype", dtype);
            Map<String, Object> load = new LinkedHashMap<>();
            load.put("start", finite(loadAtStart));
            load.put("end", finite(loadAtEnd));
            doc.put("hostLoadAverage", load);
            doc.put("rows", l);
            Json.print(out, doc);
        } else {
            out.printf("%s on %s over %s (tbf %.0f Mbit/s), %d timed request(s) per planner, wire %s%n", m.name(),
                    String.join(",", st.nodes.stream().map(TestbedState.NodeEntry::id).toList()), st.link, st.mbit, requests, dtype);
            out.print("measured node speed (conv GFLOP/s, each node's probe under its quota):");
            for (ClusterNode n : believed.nodes()) out.printf(" %s %.2f", n.name(), n.device().gflops(OpClass.CONV));
            out.println();
            out.println("quotas (TensorFlow's kernel threads / every other thread of the node):");
            for (TestbedState.NodeEntry n : st.nodes) {
                out.printf("  %-8s compute %s, target %.2f GFLOP/s conv; io %s%n", n.id(), NodeQuotas.describe(n.coreFraction()), n.targetConvGflops(),
                        st.splitsThreads() ? NodeQuotas.describe(n.ioFraction()) : "in the same group (cgroup v2)");
            }
            printTable(out, rows, single);
            out.printf("ideal speedup (free communication) = total / fastest measured capacity = %.2fx; single = the fastest node alone%n", ideal);
            out.println("wire bytes: counted on the hub ends of the nodes' veths (both directions, MQTT and TCP overhead included)");
            out.printf("host load average (1 min) at the start / end: %.1f / %.1f (other work on this host changes what an emulated node's CPU share computes: docs/testbed.md)%n",
                    loadAtStart, loadAtEnd);
            out.flush();
        }
        if (chart != null) {
            List<SvgChart.Bar> bars = new ArrayList<>();
            for (Row r : rows) if (!Double.isNaN(r.p50())) bars.add(new SvgChart.Bar(r.planner(), r.p50(), r.p95(), String.format("%.0f ms (sim %.0f), %s", r.p50(), r.simP50(), orDash("%.2fx", single / r.p50()))));
            SvgChart.write(chart, SvgChart.bars(m.name() + " on the emulated " + st.nodes.size() + "-node cluster over " + st.link + ": measured p50, whisker to p95",
                    "latency (ms)", bars, single / ideal, "ideal"));
            err.println("chart written to " + chart);
        }
        return rows.stream().anyMatch(r -> r.errors() > 0) ? 1 : 0;
    }

    /** Untimed requests under the quotas through the timed run's coordinator, which learns the nodes' message paths from them. */
    private void learn(Model m, String planner, PrintWriter err) throws Exception {
        untimed(m, planner, "learn", learn, "  %s learning request %d (under the quotas, untimed): %.0f ms%n", "  learning request answered an error: ", err);
    }

    static String describe(Map<String, MessagePathEstimate> paths) {
        if (paths.isEmpty()) return "none yet (the nodes' defaults)";
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(paths).forEach((n, e) -> sb.append(sb.length() == 0 ? "" : "; ").append(n).append(' ').append(e)
                .append(e.learned() ? "" : " - too few, default used"));
        return sb.toString();
    }

    /** Untimed requests with the nodes' CPU quotas lifted (tile graphs and JIT), the quotas restored and read back after. */
    private void warmUnthrottled(Model m, String name, int count, NodeQuotas quotas, PrintWriter err) throws Exception {
        if (quotas != null) {
            quotas.lift();
            err.println("  warm-up with the nodes' CPU quotas lifted (tile graphs and JIT: deploy-time work on a real gateway)");
        }
        try {
            warm(m, name, count, err);
        } finally {
            if (quotas != null) err.println("  quotas restored and read back from the kernel: " + quotas.restore());
        }
    }

    private void warm(Model m, String planner, int count, PrintWriter err) throws Exception {
        untimed(m, planner, "warm", count, "  %s warm-up %d: %.0f ms%n", "  warm-up answer was an error: ", err);
    }

    /**
     * {@code count} requests whose times are printed but not measured: through a client named
     * planner-{@code kind}, request ids planner-{@code kind}'s first letter and a number; each answer printed
     * with {@code doneLine} (planner, number, ms) or {@code errorLine} and the error.
     */
    private void untimed(Model m, String planner, String kind, int count, String doneLine, String errorLine, PrintWriter err) throws Exception {
        MqttClient client = client(planner + "-" + kind);
        try {
            byte[] png = SampleImages.load(1, err).get(0).png();
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                JsonNode a = ClientRequests.ask(client, m, planner + "-" + kind.charAt(0) + i, png, 900);
                if (a.has("error")) err.println(errorLine + a.path("error"));
                else err.printf(doneLine, planner, i + 1, (System.nanoTime() - t0) / 1e6);
                err.flush();
            }
        } finally {
            client.disconnect();
            client.close();
        }
    }

    private static int tiles(Plan p) {
        int t = 0;
        for (var sp : p.stages()) t += sp.assignments().size();
        return t;
    }

    private static MqttClient client(String name) throws Exception {
        MqttClient client = new MqttClient("tcp://" + Hub.BROKER_HOST + ":" + ShapedLinks.BROKER_PORT, "bench-" + name + "-" + ProcessHandle.current().pid(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(100);
        client.connect(o);
        return client;
    }

    private Row run(MqttCoordinator c, Model m, String planner, Cluster predicted, Map<String, MessagePathEstimate> paths, TestbedState st,
                    PrintWriter err) throws Exception {
        MqttClient client = client(planner);
        try {
            byte[] png = SampleImages.load(1, err).get(0).png();
            int errors = 0;
            long[] before = wireBytes(st);
            List<Double> lat = new ArrayList<>();
            int stages = 0, tiles = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                JsonNode a = ClientRequests.ask(client, m, planner + "-" + i, png, 900);
                if (a.has("error")) {
                    errors++;
                    err.println("  answer was an error: " + a.path("error"));
                    continue;
                }
                lat.add(a.path("latencyMs").asDouble());
                stages = 0;
                tiles = 0;
                for (JsonNode sj : a.path("plan").path("stages")) {
                    stages++;
                    tiles += Math.max(1, sj.path("tiles").size());
                }
                err.printf("  %s request %d: %.0f ms%n", planner, i + 1, a.path("latencyMs").asDouble());
                err.flush();
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            long[] after = wireBytes(st);
            double bytes = 0;
            for (int i = 0; i < before.length; i++) bytes += after[i] - before[i];
            SimResult sim = new Simulator(new CostModel(m), Planners.get(planner)).run(predicted, SimOptions.of(requests).withJitter(0).withReplan(false));
            double[] sorted = lat.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Row(planner, pct(sorted, 0.5), pct(sorted, 0.95), lat.size() / wall, sim.p50() * 1000, bytes / requests,
                    (double) sim.bytesMoved() / requests, stages, tiles, lat, errors, paths);
        } finally {
            client.disconnect();
            client.close();
        }
    }

    /** Bytes through the hub ends of the nodes' veths, both directions (we run inside the hub namespace). */
    private static long[] wireBytes(TestbedState st) {
        long[] b = new long[st.nodes.size()];
        for (int i = 0; i < b.length; i++) {
            Path dir = Path.of("/sys/class/net", ShapedLinks.hubVeth(st.nodes.get(i).index()), "statistics");
            try {
                b[i] = Long.parseLong(Files.readString(dir.resolve("rx_bytes")).trim()) + Long.parseLong(Files.readString(dir.resolve("tx_bytes")).trim());
            } catch (IOException | NumberFormatException e) {
                throw new CommandFailedException("cannot read the byte counters of " + dir + ": " + e.getMessage());
            }
        }
        return b;
    }

    private static Cluster awaitNodes(MqttCoordinator c, Model m, int count, LinkProfile link) throws InterruptedException {
        if (ClientRequests.awaitOnline(c, m, count, 300_000)) return c.membership().cluster(m.name(), m.version(), link);
        throw new CommandFailedException("the nodes did not all come online with " + m.name() + " within 300 s (edgefuse cluster status shows them)");
    }

    private static double pct(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    }

    /** One planner's figures for --json; figures that do not exist (nothing answered) are null. */
    static Map<String, Object> rowJson(Row r, double single) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("planner", r.planner());
        j.put("p50Ms", finite(r.p50()));
        j.put("p95Ms", finite(r.p95()));
        j.put("throughputPerS", r.throughput());
        j.put("speedupOverSingle", finite(single / r.p50()));
        j.put("simulatorP50Ms", r.simP50());
        j.put("simulatorErrorPct", finite((r.simP50() - r.p50()) / r.p50() * 100));
        j.put("wireBytesPerRequest", r.bytesPerRequest());
        j.put("simulatorBytesPerRequest", r.simBytesPerRequest());
        j.put("stages", r.stages());
        j.put("tiles", r.tiles());
        j.put("latenciesMs", r.latencies());
        j.put("errors", r.errors());
        Map<String, Object> mp = new LinkedHashMap<>();
        new java.util.TreeMap<>(r.messagePaths()).forEach((n, e) -> mp.put(n, Map.of("fixedMs", e.fixedMs(), "msPerMb", e.perMbMs(), "samples", e.samples(),
                "used", e.learned())));
        j.put("messagePaths", mp);
        return j;
    }

    /** The text table; a planner none of whose requests was answered gets "-" and a line saying so. */
    static void printTable(PrintWriter out, List<Row> rows, double single) {
        Table t = new Table("planner", "p50 ms", "sim p50 ms", "sim err", "p95 ms", "req/s", "speedup vs single", "wire MB/req", "sim MB/req", "stages", "tiles", "errors");
        for (Row r : rows) {
            t.row(r.planner(), f1(r.p50()), f1(r.simP50()), orDash("%+.0f%%", (r.simP50() - r.p50()) / r.p50() * 100), f1(r.p95()),
                    String.format("%.3f", r.throughput()), orDash("%.2fx", single / r.p50()), String.format("%.2f", r.bytesPerRequest() / 1e6),
                    String.format("%.2f", r.simBytesPerRequest() / 1e6), r.stages(), r.tiles(), r.errors());
        }
        t.print(out);
        for (Row r : rows) {
            if (Double.isNaN(r.p50())) out.printf("%s: none of its %d timed request(s) was answered (the errors are above)%n", r.planner(), r.errors());
        }
        out.println("message paths the simulator predicted with, learned before each planner's timed requests (fixed + per MB in + out):");
        for (Row r : rows) out.printf("  %s: %s%n", r.planner(), describe(r.messagePaths()));
    }

    private static String f1(double v) {
        return orDash("%.0f", v);
    }

    /** A figure, or "-" where there is none (a planner none of whose requests was answered). */
    private static String orDash(String format, double v) {
        return Double.isFinite(v) ? String.format(format, v) : "-";
    }

    /** JSON has no NaN: a missing figure is null. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** The host's 1-minute load average, NaN where /proc/loadavg cannot be read. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
