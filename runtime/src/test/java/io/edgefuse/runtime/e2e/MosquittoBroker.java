package io.edgefuse.runtime.e2e;

import io.edgefuse.broker.EmbeddedBroker;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real Mosquitto on loopback, with the project's dev config on a free port; stopped by close(). */
final class MosquittoBroker implements AutoCloseable {
    final int port;
    private final Process process;

    private MosquittoBroker(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/mosquitto"));
    }

    static MosquittoBroker start() throws Exception {
        int port = EmbeddedBroker.freePort("127.0.0.1");
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        String conf = Files.readString(root.resolve("broker-config/mosquitto-dev.conf")).replace("listener 1883 127.0.0.1", "listener " + port + " 127.0.0.1");
        Path file = Files.createTempFile("edgefuse-mosquitto", ".conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder("/usr/sbin/mosquitto", "-c", file.toString()).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("edgefuse-mosquitto", ".log").toFile()).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return new MosquittoBroker(port, p);
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("mosquitto did not listen on " + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
}
