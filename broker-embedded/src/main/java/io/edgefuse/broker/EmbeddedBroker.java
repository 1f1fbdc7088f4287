package io.edgefuse.broker;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HiveMQ CE in this JVM: full MQTT 5, in-memory persistence, listening on one address only (loopback by
 * default). Its configuration is written to a temporary folder that {@link #close()} deletes.
 * Anonymous usage statistics are off: a gateway must not phone home.
 */
public final class EmbeddedBroker implements AutoCloseable {
    /** Large enough for a 20 MB request to reach the coordinator, which answers it with a clear error. */
    public static final int DEFAULT_MAX_PACKET_BYTES = 64 * 1024 * 1024;
    public static final String LOOPBACK = "127.0.0.1";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final String host;
    private final int port;
    private final Path home;
    private final EmbeddedHiveMQ hivemq;

    private EmbeddedBroker(String host, int port, Path home, EmbeddedHiveMQ hivemq) {
        this.host = host;
        this.port = port;
        this.home = home;
        this.hivemq = hivemq;
    }

    /** Starts a broker on host:port (port 0: a free port) and waits until it accepts connections. */
    public static EmbeddedBroker start(String host, int port, int maxPacketBytes) {
        int p = port == 0 ? freePort(host) : port;
        Path home;
        try {
            home = Files.createTempDirectory("edgefuse-broker");
            Path conf = Files.createDirectories(home.resolve("conf"));
            Files.createDirectories(home.resolve("data"));
            Files.createDirectories(home.resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), config(host, p, maxPacketBytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker's folders", e);
        }
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(home.resolve("conf"))
                .withDataFolder(home.resolve("data"))
                .withExtensionsFolder(home.resolve("extensions"))
                .build();
        long t0 = System.nanoTime();
        try {
            hivemq.start().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            try {
                hivemq.close();
            } catch (Exception ignored) {
                // the start failure is what the caller needs to see
            }
            deleteTree(home);
            throw new IllegalStateException("embedded broker did not start on " + host + ":" + p + ": " + e.getMessage(), e);
        }
        LOG.info("embedded HiveMQ CE listening on {}:{} (started in {} ms, max packet {} bytes)", host, p, (System.nanoTime() - t0) / 1_000_000, maxPacketBytes);
        return new EmbeddedBroker(host, p, home, hivemq);
    }

    public static EmbeddedBroker startOnLoopback() {
        return start(LOOPBACK, 0, DEFAULT_MAX_PACKET_BYTES);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "tcp://" + host + ":" + port;
    }

    @Override
    public void close() {
        try {
            hivemq.stop().get(30, TimeUnit.SECONDS);
            hivemq.close();
        } catch (Exception e) {
            LOG.warn("embedded broker did not stop cleanly: {}", e.toString());
        } finally {
            deleteTree(home);
        }
    }

    static String config(String host, int port, int maxPacketBytes) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <packets>
                            <max-packet-size>%d</max-packet-size>
                        </packets>
                    </mqtt>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, host, maxPacketBytes);
    }

    public static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    private static void deleteTree(Path p) {
        if (p == null || !Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", p, e.toString());
        }
    }
}
