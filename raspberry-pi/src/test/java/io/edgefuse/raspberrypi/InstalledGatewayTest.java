package io.edgefuse.raspberrypi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgefuse.broker.EmbeddedBroker;
import io.edgefuse.raspberrypi.GatewayPackage.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed gateway runs: the unit's own ExecStart, with the installed JVM options, started on the
 * files the install laid out (below a temporary root), brings up the node its .cfg describes; SIGTERM
 * (what systemctl stop sends) stops it with an exit status the unit counts as clean, after the node
 * said it is offline. What this cannot show: the run as the edgefuse user under the unit's hardening
 * (no systemd here), and TensorFlow on arm64.
 */
class InstalledGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> INSTALLED_TREES = List.of("/opt/edgefuse", "/etc/edgefuse", "/var/lib/edgefuse", "/var/cache/edgefuse");

    @TempDir
    Path tmp;

    @Test
    void theUnitsCommandLineRunsTheInstalledNodeAndSigtermStopsItCleanly() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        try (EmbeddedBroker broker = EmbeddedBroker.startOnLoopback()) {
            Result r = GatewayPackage.install("--root", root.toString(), "--broker", "127.0.0.1:" + broker.port(),
                    "--node-id", "pi-smoke", "--executor", "java", "--no-start");
            assertEquals(0, r.exit(), r::toString);
            // The java executor's capacity probe takes long and is not what this test is about.
            Files.writeString(root.resolve("etc/edgefuse/io.edgefuse.node.cfg"), "probe = false\n", StandardOpenOption.APPEND);

            BlockingQueue<JsonNode> status = new LinkedBlockingQueue<>();
            MqttClient watcher = new MqttClient(broker.uri(), "install-test-watcher", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            watcher.connect(options);
            watcher.subscribe("edgefuse/v1/nodes/pi-smoke/status", 1, (topic, msg) -> status.add(JSON.readTree(msg.getPayload())));

            Path log = tmp.resolve("gateway.log");
            ProcessBuilder pb = new ProcessBuilder(unitCommand(root)).directory(root.resolve("var/lib/edgefuse").toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(unitEnvironment(root));
            Process gateway = pb.start();
            try {
                JsonNode online = awaitStatus(status, true, 90);
                assertNotNull(online, () -> "the installed node never came online\n" + read(log));
                assertEquals("java", online.path("engine").asText(), online::toString);

                gateway.destroy(); // SIGTERM
                assertTrue(gateway.waitFor(45, TimeUnit.SECONDS), "the gateway did not stop within the unit's TimeoutStopSec");
                int exit = gateway.exitValue();
                assertTrue(exit == 0 || exit == 143, "exit " + exit + " is neither 0 nor the unit's SuccessExitStatus=143\n" + read(log));
                assertNotNull(awaitStatus(status, false, 10), "no online:false after SIGTERM\n" + read(log));
                assertTrue(read(log).contains("gateway running: bundles from " + root.resolve("opt/edgefuse/bundles")), read(log));
            } finally {
                if (gateway.isAlive()) gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                watcher.disconnect();
                watcher.close();
            }
        }
        Result un = GatewayPackage.run(root.resolve("opt/edgefuse/uninstall.sh"), Map.of(), "--root", root.toString());
        assertEquals(0, un.exit(), un::toString);
        assertEquals(Map.of(), GatewayPackage.snapshot(root), "what the running gateway wrote must go with the uninstall");
    }

    /**
     * ExecStart= of the installed unit as systemd would run it: $EDGEFUSE_JAVA_OPTS from Environment=,
     * overridden by the installed EnvironmentFile; paths of the layout moved below root.
     */
    private static List<String> unitCommand(Path root) throws Exception {
        String unit = Files.readString(root.resolve("etc/systemd/system/edgefuse.service"));
        String opts = lastValue(unit, Pattern.compile("^Environment=\"EDGEFUSE_JAVA_OPTS=(.*)\"$", Pattern.MULTILINE));
        String fromFile = lastValue(Files.readString(root.resolve("etc/default/edgefuse")), Pattern.compile("^EDGEFUSE_JAVA_OPTS=\"(.*)\"$", Pattern.MULTILINE));
        if (fromFile != null) opts = fromFile;
        String exec = lastValue(unit, Pattern.compile("^ExecStart=(.*)$", Pattern.MULTILINE));
        assertNotNull(exec, unit);
        List<String> cmd = new ArrayList<>();
        for (String token : exec.split("\\s+")) {
            if (token.equals("$EDGEFUSE_JAVA_OPTS")) {
                if (opts != null && !opts.isBlank()) cmd.addAll(List.of(opts.trim().split("\\s+")));
                continue;
            }
            cmd.add(below(root, token));
        }
        if (!Files.isExecutable(Path.of(cmd.get(0)))) cmd.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        assertTrue(Set.copyOf(cmd).contains("gateway"), cmd::toString);
        return cmd;
    }

    /** Environment= lines of the installed unit, paths of the layout moved below root. */
    private static Map<String, String> unitEnvironment(Path root) throws Exception {
        Map<String, String> env = new java.util.HashMap<>();
        Matcher m = Pattern.compile("^Environment=\"?([A-Z_]+)=(.*?)\"?$", Pattern.MULTILINE)
                .matcher(Files.readString(root.resolve("etc/systemd/system/edgefuse.service")));
        while (m.find()) env.put(m.group(1), below(root, m.group(2)));
        assertTrue(env.containsKey("TF_CPP_MIN_LOG_LEVEL"), env::toString);
        return env;
    }

    private static String below(Path root, String value) {
        for (String tree : INSTALLED_TREES) value = value.replace(tree, root + tree);
        return value;
    }

    private static String lastValue(String text, Pattern p) {
        Matcher m = p.matcher(text);
        String v = null;
        while (m.find()) v = m.group(1);
        return v;
    }

    private static JsonNode awaitStatus(BlockingQueue<JsonNode> status, boolean online, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            JsonNode s = status.poll(left, TimeUnit.NANOSECONDS);
            if (s != null && s.path("online").asBoolean(!online) == online) return s;
        }
        return null;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
