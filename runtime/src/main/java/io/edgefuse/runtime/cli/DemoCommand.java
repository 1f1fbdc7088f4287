package io.edgefuse.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgefuse.allocator.coordinator.CoordinatorConfig;
import io.edgefuse.allocator.coordinator.MqttCoordinator;
import io.edgefuse.model.Model;
import io.edgefuse.model.zoo.Zoo;
import io.edgefuse.runtime.cluster.LocalCluster;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The whole system on this machine: starts the embedded broker, N node processes and the coordinator, publishes"
                + " sample images through a real MQTT client (Paho, MQTT 3.1.1), prints each answer and its latency, then does the same"
                + " with the whole model on one node, checks that both give the same answers and prints the speedup. Stops everything it started.",
        "Zoo models have seeded weights, so their labels are arbitrary; --model models/fmnist-vgg answers with the trained Fashion-MNIST model."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "3", description = "Node processes. Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--model", defaultValue = "resnet18", description = "Zoo name or model folder. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--images", defaultValue = "6", description = "Sample images per round. Default: ${DEFAULT-VALUE}.")
    int images;

    @Option(names = "--executor", defaultValue = "tf", description = "tf or java. Default: ${DEFAULT-VALUE}.")
    String executor;

    @Option(names = "--threads-per-node", defaultValue = "1", description = "Compute threads per node (nodes share this machine's cores). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (nodes < 1 || images < 1) throw new IllegalArgumentException("--nodes and --images must be >= 1");
        Model m = ModelArg.load(model, err);
        List<SampleImages.Sample> samples = SampleImages.load(images, err);
        out.printf("EdgeFuse demo: %s (%.2f GMAC) on %d local nodes, %s executor, %d thread(s) each%n", m.name(), m.totalCost().macs() / 1e9, nodes, executor, threads);
        out.flush();
        LocalCluster.NodeSpec ns = new LocalCluster.NodeSpec(List.of(model), executor, threads, 1, 16, true);
        try (LocalCluster cluster = LocalCluster.start(nodes, ns)) {
            Thread cleanup = new Thread(cluster::close);
            Runtime.getRuntime().addShutdownHook(cleanup);
            out.println("broker on " + cluster.brokerUri() + "; node logs in " + cluster.logDir());
            Round parallelRound = round(cluster, m, "edgefuse", samples, out);
            Round singleRound = round(cluster, m, "single", samples, out);
            double[] parallel = parallelRound.latencies(), single = singleRound.latencies();
            double p = median(parallel), s = median(single);
            out.println();
            out.println(parallelRound.sameAnswersAs(singleRound)
                    ? String.format("the partitioned answers equal the one-node answers (same top-1 for every image, scores within %.1e)", parallelRound.maxScoreDifference(singleRound))
                    : "WARNING: the partitioned answers differ from the one-node answers: " + parallelRound.differences(singleRound));
            if (Zoo.contains(model))
                out.println(m.name() + " is a zoo model with seeded random weights (nothing is downloaded), so its top-1 labels are arbitrary;"
                        + " ./edgefuse demo --model models/fmnist-vgg answers with a trained Fashion-MNIST model");
            out.println();
            Table t = new Table("run", "median latency ms", "mean latency ms");
            t.row("edgefuse on " + nodes + " nodes", String.format("%.1f", p), String.format("%.1f", mean(parallel)));
            t.row("one node", String.format("%.1f", s), String.format("%.1f", mean(single)));
            t.print(out);
            out.printf("speedup over one node: %.2fx (the nodes share this machine's %d cores, so they cannot beat one node by much here; ./edgefuse simulate shows what separate devices would do)%n", s / p, Runtime.getRuntime().availableProcessors());
            out.flush();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        out.println("stopped the coordinator, the nodes and the broker");
        return 0;
    }

    /** One round's answers: per image the top-1 label and score, and the latency the coordinator reported. */
    record Round(List<String> labels, double[] scores, double[] latencies) {
        boolean sameAnswersAs(Round o) {
            return differences(o).isEmpty();
        }

        double maxScoreDifference(Round o) {
            double d = 0;
            for (int i = 0; i < scores.length; i++) d = Math.max(d, Math.abs(scores[i] - o.scores[i]));
            return d;
        }

        String differences(Round o) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < scores.length; i++)
                if (!labels.get(i).equals(o.labels.get(i)) || Math.abs(scores[i] - o.scores[i]) > 1e-3)
                    sb.append(String.format("%n  image %d: %s %.4f vs %s %.4f", i, labels.get(i), scores[i], o.labels.get(i), o.scores[i]));
            return sb.toString();
        }
    }

    private Round round(LocalCluster cluster, Model m, String planner, List<SampleImages.Sample> samples, PrintWriter out) throws Exception {
        MqttCoordinator.Settings s = MqttCoordinator.Settings.of(cluster.brokerHost(), cluster.brokerPort(), Map.of(m.name(), m));
        try (MqttCoordinator c = new MqttCoordinator(s, CoordinatorConfig.defaults().withPlanner(planner)).start()) {
            awaitNodes(c, m, cluster);
            MqttClient client = new MqttClient(cluster.brokerUri(), "demo-client-" + planner, new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            o.setMaxInflight(100);
            client.connect(o);
            try {
                out.println();
                out.println(planner.equals("single") ? "the whole model on one node:" : "partitioned by the edgefuse planner:");
                ClientRequests.ask(client, m, planner + "-warmup", samples.get(0).png(), 180);
                double[] lat = new double[samples.size()], scores = new double[samples.size()];
                List<String> labels = new ArrayList<>();
                Table t = new Table("image", "top-1", "score", "latency ms", "round trip ms", "tiles");
                for (int i = 0; i < samples.size(); i++) {
                    long t0 = System.nanoTime();
                    JsonNode a = ClientRequests.ask(client, m, planner + "-" + i, samples.get(i).png(), 180);
                    double rt = (System.nanoTime() - t0) / 1e6;
                    if (a.has("error")) throw new CommandFailedException("answer was an error: " + a);
                    lat[i] = a.path("latencyMs").asDouble();
                    int tiles = 0;
                    for (JsonNode st : a.path("plan").path("stages")) tiles += st.path("tiles").size();
                    JsonNode top = a.path("top").get(0);
                    labels.add(top.path("label").asText());
                    scores[i] = top.path("score").asDouble();
                    t.row(samples.get(i).name(), labels.get(i), String.format("%.3f", scores[i]),
                            String.format("%.1f", lat[i]), String.format("%.1f", rt), tiles);
                }
                t.print(out);
                double inProcess = inProcessMs(m, c.coordinator().currentPlan(m), samples.get(0).png());
                out.printf("same plan in one process (no MQTT, %d thread): %.1f ms; the MQTT path adds %.1f ms (median)%n", threads, inProcess, median(lat) - inProcess);
                return new Round(List.copyOf(labels), scores, lat);
            } finally {
                client.disconnect();
                client.close();
            }
        }
    }

    /**
     * The same plan in this JVM, a thread per device and each tile's tensors handed over in memory: the
     * difference to the answers' latency is what the MQTT path (encoding, broker, decoding) adds.
     */
    private double inProcessMs(Model m, io.edgefuse.model.plan.Plan plan, byte[] png) {
        io.edgefuse.model.tensor.Tensor in = new io.edgefuse.protocol.RequestDecoder(16 << 20).decode(png, m.input());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(nodes);
        try (io.edgefuse.model.exec.Executor ex = executor.equals("tf") ? new io.edgefuse.engine.tf.TfExecutor(threads, 1, 64) : new io.edgefuse.model.exec.JavaExecutor()) {
            double[] t = new double[5];
            io.edgefuse.model.plan.PlanRunner.run(m, plan, in, d -> ex, pool);
            for (int i = 0; i < t.length; i++) {
                long t0 = System.nanoTime();
                io.edgefuse.model.plan.PlanRunner.run(m, plan, in, d -> ex, pool);
                t[i] = (System.nanoTime() - t0) / 1e6;
            }
            return median(t);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitNodes(MqttCoordinator c, Model m, LocalCluster cluster) throws InterruptedException {
        if (ClientRequests.awaitOnline(c, m, cluster.nodeIds().size(), 180_000)) return;
        StringBuilder sb = new StringBuilder("nodes did not come online within 180 s (each node loads the model and runs a"
                + " capacity probe of a few seconds at start; on a busy machine that can take minutes). Last lines of their logs in " + cluster.logDir() + ":");
        for (String id : cluster.nodeIds()) sb.append("\n--- ").append(id).append(" ---\n").append(cluster.logTail(id));
        throw new CommandFailedException(sb.toString());
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double mean(double[] a) {
        return Arrays.stream(a).average().orElse(Double.NaN);
    }
}
