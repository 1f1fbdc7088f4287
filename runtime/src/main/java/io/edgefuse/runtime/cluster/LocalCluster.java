package io.edgefuse.runtime.cluster;

import io.edgefuse.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster on this machine: the embedded broker on loopback and worker nodes as separate JVM processes
 * (real processes, so a test can kill one with SIGKILL). Node output goes to one log file per node.
 * {@link #close()} stops every process it started and the broker.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

    /** How each node process runs. */
    public record NodeSpec(List<String> models, String executor, int threads, int workers, int queue, boolean probe, List<String> extraArgs) {
        public NodeSpec(List<String> models, String executor, int threads, int workers, int queue, boolean probe) {
            this(models, executor, threads, workers, queue, probe, List.of());
        }

        /** The same nodes with more `edgefuse node` options (e.g. --trust KEY); "{id}" in them becomes the node's id. */
        public NodeSpec withArgs(String... args) {
            List<String> l = new ArrayList<>(extraArgs);
            l.addAll(List.of(args));
            return new NodeSpec(models, executor, threads, workers, queue, probe, l);
        }
    }

    private final EmbeddedBroker broker;
    private final String brokerHost;
    private final int brokerPort;
    private final Path logDir;
    private final NodeSpec spec;
    private final Map<String, Process> nodes = new LinkedHashMap<>();

    private LocalCluster(EmbeddedBroker broker, String host, int port, Path logDir, NodeSpec spec) {
        this.broker = broker;
        this.brokerHost = host;
        this.brokerPort = port;
        this.logDir = logDir;
        this.spec = spec;
    }

    /** Nodes on a new embedded broker, which {@link #close()} stops too. */
    public static LocalCluster start(int nodeCount, NodeSpec spec) {
        EmbeddedBroker b = EmbeddedBroker.startOnLoopback();
        return start(b, b.host(), b.port(), nodeCount, spec);
    }

    /** Nodes on a broker someone else runs (Mosquitto in tests). */
    public static LocalCluster startOn(String host, int port, int nodeCount, NodeSpec spec) {
        return start(null, host, port, nodeCount, spec);
    }

    private static LocalCluster start(EmbeddedBroker b, String host, int port, int nodeCount, NodeSpec spec) {
        Path logs;
        try {
            logs = Files.createTempDirectory("edgefuse-cluster");
        } catch (IOException e) {
            if (b != null) b.close();
            throw new UncheckedIOException(e);
        }
        LocalCluster c = new LocalCluster(b, host, port, logs, spec);
        try {
            for (int i = 1; i <= nodeCount; i++) c.startNode("n" + i);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    public String brokerHost() {
        return brokerHost;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public String brokerUri() {
        return "tcp://" + brokerHost + ":" + brokerPort;
    }

    public Path logDir() {
        return logDir;
    }

    public synchronized List<String> nodeIds() {
        return new ArrayList<>(nodes.keySet());
    }

    /** Starts one more node process; it joins by publishing its status. */
    public synchronized void startNode(String id) {
        if (nodes.containsKey(id)) throw new IllegalArgumentException("node " + id + " already runs");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        String cache = System.getProperty("edgefuse.zoo.cache");
        if (cache != null) cmd.add("-Dedgefuse.zoo.cache=" + cache);
        cmd.add("io.edgefuse.runtime.cli.Main");
        cmd.addAll(List.of("node", "--id", id, "--broker", brokerHost + ":" + brokerPort, "--model", String.join(",", spec.models()),
                "--executor", spec.executor(), "--threads", String.valueOf(spec.threads()), "--workers", String.valueOf(spec.workers()),
                "--queue", String.valueOf(spec.queue())));
        if (!spec.probe()) cmd.add("--no-probe");
        for (String a : spec.extraArgs()) cmd.add(a.replace("{id}", id));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logDir.resolve(id + ".log").toFile());
        pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
        try {
            nodes.put(id, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + id, e);
        }
        LOG.info("started node {} (log {})", id, logDir.resolve(id + ".log"));
    }

    /** SIGKILL: the node gets no chance to say goodbye; its Last Will and missed heartbeats tell. */
    public synchronized void kill(String id) {
        Process p = nodes.remove(id);
        if (p == null) throw new IllegalArgumentException("no node " + id);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized long pid(String id) {
        return nodes.get(id).pid();
    }

    /** The tail of a node's log, for error messages. */
    public String logTail(String id) {
        try {
            List<String> lines = Files.readAllLines(logDir.resolve(id + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() {
        for (Process p : nodes.values()) p.destroy();
        for (Map.Entry<String, Process> e : nodes.entrySet()) {
            try {
                if (!e.getValue().waitFor(10, TimeUnit.SECONDS)) {
                    e.getValue().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        nodes.clear();
        if (broker != null) broker.close();
    }
}
