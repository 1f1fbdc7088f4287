package io.edgefuse.runtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.edgefuse.allocator.coordinator.CoordinatorConfig;
import io.edgefuse.allocator.coordinator.MqttCoordinator;
import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.protocol.DType;
import io.edgefuse.protocol.Frames;
import io.edgefuse.protocol.Topics;
import io.edgefuse.protocol.ota.KeyFiles;
import io.edgefuse.protocol.ota.Manifest;
import io.edgefuse.protocol.ota.ModelArchive;
import io.edgefuse.runtime.cluster.LocalCluster;
import io.edgefuse.runtime.ota.ArtifactPush;
import io.edgefuse.runtime.ota.OtaClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Pushes models of a given size to local node processes through the embedded broker while a client
 * keeps asking for inferences, and measures the time from the first chunk sent until every node has
 * the new version active, and the answer latency before, after and around the coordinator's switch.
 */
public final class OtaBench {
    /** One push: seconds to all-active, and answer latencies (ms) around the switch. */
    public record Push(double sizeMb, double allActiveSeconds, double p50BeforeMs, double p50DuringMs, double maxDuringMs, double p50AfterMs,
                       double maxAroundSwitchMs, int answers, int errors) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private OtaBench() {}

    /**
     * A CNN whose weights are about {@code mb} megabytes but whose compute stays small (so the figures
     * are about the transfer and the switch, not about a saturated CPU): two convs to an 8x8x512 map,
     * global pool, a dense layer 512 -> H holding nearly all the weights, dense H -> 10. Same graph for
     * every seed, so pushes of one size are versions of one model.
     */
    public static Model model(String name, double mb, long seed) {
        int h = Math.max(16, (int) Math.round((mb - 0.6) * 1e6 / 4 / (512 + 10)));
        List<Node> n = new ArrayList<>();
        Map<String, Tensor> w = new LinkedHashMap<>();
        conv(n, w, seed, "c0", "input", 3, 32, 2);
        n.add(Node.of("r0", new Op.Relu(), "c0"));
        conv(n, w, seed, "c1", "r0", 32, 512, 1);
        n.add(Node.of("r1", new Op.Relu(), "c1"));
        n.add(Node.of("gap", new Op.GlobalAvgPool(), "r1"));
        n.add(Node.of("fc1", new Op.Dense(h, true), "gap"));
        w.put("fc1.weight", Tensor.random(seed + 1000, -0.05f, 0.05f, 512, h));
        w.put("fc1.bias", Tensor.random(seed + 1001, -0.01f, 0.01f, h));
        n.add(Node.of("fr", new Op.Relu(), "fc1"));
        n.add(Node.of("fc2", new Op.Dense(10, true), "fr"));
        w.put("fc2.weight", Tensor.random(seed + 1002, -0.05f, 0.05f, h, 10));
        w.put("fc2.bias", Tensor.random(seed + 1003, -0.01f, 0.01f, 10));
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 10; i++) labels.add("class_" + i);
        return new Model(name, InputSpec.of(16, 16, 3), labels, n, "fc2", w);
    }

    private static void conv(List<Node> n, Map<String, Tensor> w, long seed, String name, String in, int cin, int cout, int stride) {
        n.add(Node.of(name, new Op.Conv2D(3, 3, stride, stride, Padding.SAME, cout, 1, true), in));
        float b = (float) Math.sqrt(2.0 / (9 * cin));
        w.put(name + ".weight", Tensor.random(seed * 31 + name.hashCode(), -b, b, 3, 3, cin, cout));
        w.put(name + ".bias", Tensor.random(seed * 37 + name.hashCode(), -0.01f, 0.01f, cout));
    }

    /** Runs the whole benchmark for each size: `repeats` pushes of new versions to `nodes` local nodes. */
    public static List<Push> run(List<Double> sizesMb, int repeats, int nodes, int chunkBytes, Path work, Consumer<String> log) throws Exception {
        List<Push> out = new ArrayList<>();
        KeyFiles.generate(work.resolve("keys"));
        KeyFiles.SigningKey key = KeyFiles.readSigningKey(work.resolve("keys").resolve(KeyFiles.PRIVATE_FILE));
        String pub = work.resolve("keys").resolve(KeyFiles.PUBLIC_FILE).toString();
        for (double mb : sizesMb) {
            String name = "ota" + (int) Math.round(mb) + "mb";
            Path v0 = work.resolve("models/" + name + "-0");
            ModelFormat.write(model(name, mb, 0), v0);
            double real = Files.size(v0.resolve(ModelFormat.WEIGHTS_FILE)) / 1e6;
            log.accept(String.format("%s: %.1f MB of weights, %d nodes, %d pushes", name, real, nodes, repeats));
            LocalCluster.NodeSpec spec = new LocalCluster.NodeSpec(List.of(v0.toString()), "tf", 1, 1, 16, false)
                    .withArgs("--trust", pub, "--ota-staging", work.resolve("staging/" + name + "/{id}").toString());
            try (LocalCluster cluster = LocalCluster.start(nodes, spec)) {
                MqttCoordinator.Settings s = MqttCoordinator.Settings.of(cluster.brokerHost(), cluster.brokerPort(), Map.of(name, ModelFormat.read(v0)))
                        .withOta(new MqttCoordinator.Ota(List.of(Path.of(pub)), work.resolve("staging/" + name + "/coordinator"), 30_000));
                try (MqttCoordinator co = new MqttCoordinator(s, CoordinatorConfig.defaults()).start();
                     OtaClient operator = new OtaClient(cluster.brokerHost(), cluster.brokerPort(), Topics.DEFAULT_ROOT);
                     Requests requests = new Requests(cluster.brokerHost(), cluster.brokerPort(), name)) {
                    long deadline = System.currentTimeMillis() + 180_000;
                    while (co.membership().online().size() < nodes) {
                        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("nodes did not come online:\n" + cluster.logTail("n1"));
                        Thread.sleep(200);
                    }
                    requests.start();
                    // The first requests build the engines' graphs; start measuring once answers come steadily.
                    requests.awaitSteady(10, Duration.ofSeconds(300));
                    for (int r = 1; r <= repeats; r++) {
                        Path folder = work.resolve("models/" + name + "-" + r);
                        ModelFormat.write(model(name, mb, r), folder);
                        String version = ModelArchive.version(folder);
                        Thread.sleep(10_000);
                        long pushNanos = System.nanoTime();
                        ArtifactPush.Result res = ArtifactPush.push(operator, key, Manifest.Kind.MODEL, name, version, ModelArchive.pack(folder),
                                List.of("all"), chunkBytes, Duration.ofSeconds(600), x -> {});
                        if (!res.allActive()) throw new IllegalStateException("push " + r + " of " + name + " failed: " + res.outcome());
                        long switchNanos = requests.awaitVersion(version, Duration.ofSeconds(180));
                        Thread.sleep(5000);
                        Push p = requests.around(real, res.totalSeconds(), version, pushNanos, switchNanos);
                        out.add(p);
                        log.accept(String.format("  push %d: all %d nodes active %.2f s after the first chunk; latency p50 %.1f ms in the 10 s before the push,"
                                        + " p50 %.1f / max %.1f ms from the push to the switch, p50 %.1f ms in the 10 s after the switch, max %.1f ms within 3 s of it; %d answers, %d errors",
                                r, nodes, p.allActiveSeconds(), p.p50BeforeMs(), p.p50DuringMs(), p.maxDuringMs(), p.p50AfterMs(), p.maxAroundSwitchMs(), p.answers(), p.errors()));
                    }
                }
            }
        }
        return out;
    }

    /** Two clients asking one after the other (MQTT 5, Response Topic + Correlation Data), recording every answer. */
    private static final class Requests implements AutoCloseable {
        record Answer(long sentNanos, double ms, String version, boolean error) {}

        private final Mqtt5AsyncClient client;
        private final String model;
        private final String replyTopic = "bench/ota/" + UUID.randomUUID();
        private final Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
        private final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        private final byte[] payload;

        Requests(String host, int port, String model) throws Exception {
            this.model = model;
            this.payload = Frames.encode(Frames.header(), Tensor.random(5, 0, 1, 16, 16, 3), DType.FLOAT32);
            client = MqttClient.builder().useMqttVersion5().identifier("bench-ota-" + UUID.randomUUID().toString().substring(0, 8))
                    .serverHost(host).serverPort(port).buildAsync();
            client.connect().get(10, TimeUnit.SECONDS);
            client.subscribeWith().topicFilter(replyTopic).qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
                String id = p.getCorrelationData().map(b -> StandardCharsets.UTF_8.decode(b.duplicate()).toString()).orElse("");
                CompletableFuture<JsonNode> f = waiting.remove(id);
                if (f == null) return;
                try {
                    f.complete(JSON.readTree(p.getPayloadAsBytes()));
                } catch (Exception e) {
                    f.completeExceptionally(e);
                }
            }).send().get(10, TimeUnit.SECONDS);
        }

        void start() {
            for (int t = 0; t < 2; t++) {
                Thread th = new Thread(this::loop, "bench-ota-client-" + t);
                th.setDaemon(true);
                th.start();
                threads.add(th);
            }
        }

        private void loop() {
            while (!stop.get()) {
                String id = UUID.randomUUID().toString();
                CompletableFuture<JsonNode> f = new CompletableFuture<>();
                waiting.put(id, f);
                long t0 = System.nanoTime();
                client.publishWith().topic(new Topics(Topics.DEFAULT_ROOT).infer(model)).qos(MqttQos.AT_LEAST_ONCE).payload(payload)
                        .responseTopic(replyTopic).correlationData(id.getBytes(StandardCharsets.UTF_8)).send();
                boolean error;
                try {
                    JsonNode a = f.get(120, TimeUnit.SECONDS);
                    error = a.has("error");
                    answers.add(new Answer(t0, (System.nanoTime() - t0) / 1e6, a.path("modelVersion").asText(""), error));
                } catch (Exception e) {
                    error = true;
                    answers.add(new Answer(t0, (System.nanoTime() - t0) / 1e6, "", true));
                }
                // A client that re-asks at once after an error only deepens an overload; users back off.
                if (error) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        /** Until the last n answers were all results (not errors). */
        void awaitSteady(int n, Duration d) throws InterruptedException {
            long end = System.nanoTime() + d.toNanos();
            while (System.nanoTime() < end) {
                synchronized (answers) {
                    int ok = 0;
                    for (int i = answers.size() - 1; i >= 0 && !answers.get(i).error(); i--) ok++;
                    if (ok >= n) return;
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("answers did not become steady within " + d);
        }

        /** The send time of the first request answered by this version. */
        long awaitVersion(String version, Duration d) throws InterruptedException {
            long end = System.nanoTime() + d.toNanos();
            while (System.nanoTime() < end) {
                synchronized (answers) {
                    long first = Long.MAX_VALUE;
                    for (Answer a : answers) if (a.version().equals(version)) first = Math.min(first, a.sentNanos());
                    if (first != Long.MAX_VALUE) return first;
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("no answer from version " + version.substring(0, 12) + " within " + d);
        }

        /** Requests by send time: the 10 s before the push, from the push to the switch, the 10 s after the switch, and +-3 s around it. */
        Push around(double mb, double allActive, String version, long pushNanos, long switchNanos) {
            List<Double> before = new ArrayList<>(), during = new ArrayList<>(), after = new ArrayList<>();
            double max = 0, maxDuring = 0;
            int n = 0, errors = 0;
            synchronized (answers) {
                for (Answer a : answers) {
                    double dt = (a.sentNanos() - switchNanos) / 1e9, dp = (a.sentNanos() - pushNanos) / 1e9;
                    if (dp < -10 || dt > 10) continue;
                    n++;
                    if (a.error()) errors++;
                    if (dp < 0) before.add(a.ms());
                    if (dp >= 0 && dt < 0) {
                        during.add(a.ms());
                        maxDuring = Math.max(maxDuring, a.ms());
                    }
                    if (dt >= 0 && dt <= 10) after.add(a.ms());
                    if (Math.abs(dt) <= 3) max = Math.max(max, a.ms());
                }
            }
            return new Push(mb, allActive, median(before), median(during), maxDuring, median(after), max, n, errors);
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Thread t : threads) t.join(130_000);
            client.disconnect().get(5, TimeUnit.SECONDS);
        }
    }

    public static double median(List<Double> v) {
        if (v.isEmpty()) return Double.NaN;
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }
}
