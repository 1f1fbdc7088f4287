package io.edgefuse.runtime.testbed;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What `cluster up` created, written after every step so that `down`, a Ctrl-C or the next `up`
 * after a crash can remove exactly that. Lives in {@link #DIR} (tmpfs: gone after a reboot, as are
 * the namespaces and cgroups it describes).
 */
public final class TestbedState {
    public static final Path DIR = Path.of("/run/edgefuse-testbed");
    // Unknown fields are skipped: a distribution rebuilt (older or newer) while a cluster is up must still
    // read what brought that cluster up, or `down` could not remove it.
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A process we started: pid plus start time, so a reused pid is never signalled. */
    public record Proc(long pid, long startTime, String log) {}

    /**
     * A node: {@code coreFraction} is its compute group's share of a core (after the closed-loop
     * calibration), {@code ioFraction} the share of every other thread, {@code measuredConvGflops} its
     * last probe under those quotas (NaN before).
     */
    public record NodeEntry(String id, String device, int index, double coreFraction, double ioFraction, double targetConvGflops,
                            double measuredConvGflops, Proc proc) {
        public NodeEntry withProc(Proc p) {
            return new NodeEntry(id, device, index, coreFraction, ioFraction, targetConvGflops, measuredConvGflops, p);
        }

        public NodeEntry withCompute(double fraction, double measured) {
            return new NodeEntry(id, device, index, fraction, ioFraction, targetConvGflops, measured, proc);
        }
    }

    /** Host scalar score (sysbench cpu events/s, one thread) and the benchmark that gave it. */
    public double hostScalarScore;
    public String hostScalarBench;

    public String link;
    public double mbit;
    public double scale;
    public List<String> models = new ArrayList<>();
    public String cgroups;
    public double hostConvGflops;
    public boolean hub;
    public Proc broker;
    public List<NodeEntry> nodes = new ArrayList<>();
    public boolean ready;

    /** Whether the nodes' threads were split into compute and io groups (cgroup v1; v2 keeps one group per node). */
    public boolean splitsThreads() {
        return cgroups != null && cgroups.startsWith("v1");
    }

    public static Path file() {
        return DIR.resolve("state.json");
    }

    public static Path goFile() {
        return DIR.resolve("go");
    }

    public static Path logDir() {
        return DIR.resolve("logs");
    }

    public static TestbedState read() {
        if (!Files.exists(file())) return null;
        try {
            return parse(Files.readString(file()));
        } catch (IOException e) {
            throw new TestbedException("unreadable state file " + file() + " (" + e.getMessage() + "); remove it and run `edgefuse cluster down`", e);
        }
    }

    static TestbedState parse(String json) throws IOException {
        return JSON.readValue(json, TestbedState.class);
    }

    public void write() {
        try {
            Files.createDirectories(DIR);
            Path tmp = DIR.resolve("state.json.tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file(), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TestbedException("cannot write " + file() + ": " + e.getMessage(), e);
        }
    }

    public NodeEntry node(String id) {
        for (NodeEntry n : nodes) if (n.id().equals(id)) return n;
        return null;
    }
}
