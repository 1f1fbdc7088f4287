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
 * This host's speed on one core, cached per CPU model and core count: its convolutions (the tf executor
 * with one thread, as every emulated node runs, by the nodes' own capacity probe) and its scalar score
 * on the benchmark of the device profiles' {@link DeviceProfile#scalarScore()} (`sysbench cpu`, one
 * thread: the sysbench binary when installed, else {@link ScalarBench}'s port of its loop; {@code
 * scalarBench} says which). A node emulating a device of {@code g} conv GFLOP/s at scale {@code s}
 * gets {@code g * s / hostConv} of a core for TensorFlow's kernels, and {@code score * s / hostScalar}
 * for all its other threads.
 */
public record Calibration(String cpu, int cores, Map<String, Double> gflops, long measuredAtMs, double scalarScore, String scalarBench) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public double convGflops() {
        return gflops.get("conv");
    }

    /** The share of one host core that makes a node's convolutions as fast as {@code device}'s scaled by {@code scale}. */
    public double coreFraction(DeviceProfile device, double scale) {
        return device.gflops(OpClass.CONV) * scale / convGflops();
    }

    /** The share of one host core that one core of {@code device} (scaled by {@code scale}) is for scalar work. */
    public double ioFraction(DeviceProfile device, double scale) {
        return device.scalarScore() * scale / scalarScore;
    }

    /** Cached figures when the cache matches this CPU, else a new measurement (a few seconds), cached. */
    public static Calibration load(Path cacheFile, boolean remeasure, java.io.PrintWriter progress) {
        String cpu = cpuModel();
        int cores = Runtime.getRuntime().availableProcessors();
        if (!remeasure && Files.exists(cacheFile)) {
            try {
                Calibration c = JSON.readValue(cacheFile.toFile(), Calibration.class);
                if (c.cpu().equals(cpu) && c.cores() == cores && c.gflops().containsKey("conv") && c.scalarScore() > 0) return c;
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
        progress.println("calibrating: scalar score of one core (sysbench cpu, one thread, 10 s)...");
        progress.flush();
        double[] scalar = new double[1];
        String bench = scalarScore(scalar);
        Calibration c = new Calibration(cpu, cores, g, System.currentTimeMillis(), scalar[0], bench);
        try {
            Files.createDirectories(cacheFile.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(cacheFile.toFile(), c);
        } catch (IOException e) {
            progress.println("cannot cache the calibration in " + cacheFile + ": " + e.getMessage());
        }
        return c;
    }

    /**
     * `sysbench cpu --threads=1 --time=10 run` when sysbench is installed (the benchmark the profiles'
     * figures were published for), else the Java port of its loop; returns which one was used.
     */
    static String scalarScore(double[] out) {
        try {
            String text = Processes.run("sysbench", "cpu", "--threads=1", "--time=10", "run");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("events per second:\\s*([0-9.]+)").matcher(text);
            if (m.find()) {
                out[0] = Double.parseDouble(m.group(1));
                String version = text.lines().filter(l -> l.startsWith("sysbench ")).findFirst().orElse("sysbench").strip();
                return version + " cpu --threads=1";
            }
        } catch (TestbedException e) {
            // not installed: the port below
        }
        out[0] = ScalarBench.eventsPerSecond(10);
        return "ScalarBench (Java port of sysbench cpu; sysbench not installed)";
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
