package io.edgefuse.runtime.testbed;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgefuse.allocator.cluster.DeviceProfile;
import io.edgefuse.allocator.cluster.OpClass;
import io.edgefuse.engine.tf.TfExecutor;
import io.edgefuse.model.exec.CapacityProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This host's speed on one core (the tf executor with one thread, as every emulated node runs), by the
 * nodes' own capacity probe, cached per CPU model and core count. A node emulating a device of
 * {@code g} conv GFLOP/s at scale {@code s} gets {@code g * s / hostConv} of a core.
 */
public record Calibration(String cpu, int cores, Map<String, Double> gflops, long measuredAtMs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public double convGflops() {
        return gflops.get("conv");
    }

    /** The share of one host core that makes a node as fast as {@code device} scaled by {@code scale}. */
    public double coreFraction(DeviceProfile device, double scale) {
        return device.gflops(OpClass.CONV) * scale / convGflops();
    }

    /** Cached figures when the cache matches this CPU, else a new measurement (a few seconds), cached. */
    public static Calibration load(Path cacheFile, boolean remeasure, java.io.PrintWriter progress) {
        String cpu = cpuModel();
        int cores = Runtime.getRuntime().availableProcessors();
        if (!remeasure && Files.exists(cacheFile)) {
            try {
                Calibration c = JSON.readValue(cacheFile.toFile(), Calibration.class);
                if (c.cpu().equals(cpu) && c.cores() == cores && c.gflops().containsKey("conv")) return c;
            } catch (IOException e) {
                progress.println("ignoring unreadable calibration cache " + cacheFile + ": " + e.getMessage());
            }
        }
        progress.println("calibrating: capacity probe of this host on one core (tf executor, 1 thread)...");
        progress.flush();
        Map<String, Double> g;
        try (TfExecutor ex = new TfExecutor(1, 1)) {
            g = new LinkedHashMap<>(CapacityProbe.measure(ex).gflops());
        }
        Calibration c = new Calibration(cpu, cores, g, System.currentTimeMillis());
        try {
            Files.createDirectories(cacheFile.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(cacheFile.toFile(), c);
        } catch (IOException e) {
            progress.println("cannot cache the calibration in " + cacheFile + ": " + e.getMessage());
        }
        return c;
    }

    public static Path defaultCache() {
        return Path.of(System.getProperty("user.home"), ".cache", "edgefuse", "testbed-calibration.json");
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException e) {
            // not Linux: the architecture is the best name there is
        }
        return System.getProperty("os.arch");
    }
}
