package io.edgefuse.raspberrypi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgefuse.broker.EmbeddedBroker;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configs install.sh --mosquitto puts into /etc/mosquitto/conf.d/, loaded by a real Mosquitto under
 * this machine's Debian /etc/mosquitto/mosquitto.conf (which sets persistence and a log file itself), with
 * only the listener moved to a free loopback port and the pid file and log sent elsewhere.
 */
class MosquittoConfigTest {
    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
    private static final Path DEBIAN_MAIN = Path.of("/etc/mosquitto/mosquitto.conf");

    @TempDir
    Path tmp;

    @BeforeEach
    void needsDebiansMosquitto() {
        assumeTrue(Files.isExecutable(MOSQUITTO) && Files.isReadable(DEBIAN_MAIN), "Debian's mosquitto package is not installed");
    }

    @Test
    void theLanConfigServesLargeMessagesUnderDebiansMainConfig() throws Exception {
        int port = EmbeddedBroker.freePort("127.0.0.1");
        Process broker = start("mosquitto-lan.conf", "listener 1883", "listener " + port + " 127.0.0.1");
        try {
            awaitListening(port, broker);
            MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, "conf-test", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMaxInflight(10);
            client.connect(o);
            BlockingQueue<byte[]> got = new ArrayBlockingQueue<>(1);
            client.subscribe("edgefuse/v1/nodes/n1/tasks", 1, (t, m) -> got.add(m.getPayload()));
            // An early layer's tile is megabytes; the config raises the packet limit well above that.
            byte[] tile = new byte[6 << 20];
            new Random(7).nextBytes(tile);
            client.publish("edgefuse/v1/nodes/n1/tasks", tile, 1, false);
            byte[] back = got.poll(20, TimeUnit.SECONDS);
            assertNotNull(back, "no message back from Mosquitto");
            assertArrayEquals(tile, back);
            client.disconnect();
            client.close();
        } finally {
            stop(broker);
        }
    }

    @Test
    void theProductionConfigParsesUnderDebiansMainConfig() throws Exception {
        // Without the certificates and password file an operator creates, Mosquitto stops after reading
        // its configuration, at the first file it needs: what must not happen is a configuration error.
        int port = EmbeddedBroker.freePort("127.0.0.1");
        Process broker = start("mosquitto-production.conf", "listener 8883", "listener " + port + " 127.0.0.1");
        boolean ended = broker.waitFor(10, TimeUnit.SECONDS);
        if (!ended) stop(broker);
        String log = Files.readString(tmp.resolve("mosquitto.log"));
        assertFalse(log.contains("Error found at") || log.contains("Duplicate"), log);
        assertTrue(log.contains("edgefuse.passwd") || log.contains("certificate"), "did not get past the configuration:\n" + log);
    }

    private Process start(String config, String listener, String replacement) throws Exception {
        Path confD = Files.createDirectories(tmp.resolve("conf.d"));
        Path persist = Files.createDirectories(tmp.resolve("persist"));
        String ours = Files.readString(GatewayPackage.file("broker-config/" + config));
        assertTrue(ours.lines().anyMatch(listener::equals), config + " has no line '" + listener + "'");
        Files.writeString(confD.resolve("edgefuse.conf"), ours.replace(listener + "\n", replacement + "\n"));
        StringBuilder main = new StringBuilder();
        for (String line : Files.readAllLines(DEBIAN_MAIN)) {
            if (line.startsWith("pid_file")) continue;
            if (line.startsWith("include_dir")) line = "include_dir " + confD;
            if (line.startsWith("log_dest")) line = "log_dest stdout";
            if (line.startsWith("persistence_location")) line = "persistence_location " + persist + "/";
            main.append(line).append('\n');
        }
        Path mainFile = tmp.resolve("mosquitto.conf");
        Files.writeString(mainFile, main);
        return new ProcessBuilder(MOSQUITTO.toString(), "-c", mainFile.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("mosquitto.log").toFile()).start();
    }

    private void awaitListening(int port, Process broker) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && broker.isAlive()) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("mosquitto did not listen on " + port + ":\n" + Files.readString(tmp.resolve("mosquitto.log")));
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
}
