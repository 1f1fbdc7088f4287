package io.edgefuse.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgefuse.engine.tf.WeightPolicy;
import io.edgefuse.model.Model;
import io.edgefuse.model.io.Directories;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.runtime.bench.TileGraphProbe;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "graphs", mixinStandardHelpOptions = true,
        description = {"What a node's tile graphs cost: for each TensorFlow kernel library and weight binding, one JVM of its own"
                + " builds one graph per row tile of a stage and reports the first run (graph set-up included), the steady time per run,"
                + " how much the process grew, and whether the output equals the first combination's (docs/node.md, \"TensorFlow kernels and weights\")."})
final class BenchGraphsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Zoo name or model folder.")
    String model;

    @Option(names = "--stage", required = true, description = "FIRST..LAST node names of a tileable stage, e.g. conv_18..leaky_22 (yolov2).")
    String stage;

    @Option(names = "--tiles", defaultValue = "3", description = "Row tiles, each its own graph. Default: ${DEFAULT-VALUE}.")
    int tiles;

    @Option(names = "--kernels", defaultValue = "eigen,onednn", split = ",", description = "eigen and/or onednn (TF_ENABLE_ONEDNN_OPTS 0 / 1). Default: ${DEFAULT-VALUE}.")
    List<String> kernels;

    @Option(names = "--binding", defaultValue = "feed-all,constant-filters", split = ",",
            description = "feed-all (filters fed from shared copies) and/or constant-filters. Default: ${DEFAULT-VALUE}.")
    List<String> bindings;

    @Option(names = "--threads", defaultValue = "1", description = "TensorFlow intra-op threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per tile after the first. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--heap", defaultValue = "2g", description = "Heap of each measuring JVM. Default: ${DEFAULT-VALUE}.")
    String heap;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    private record Side(String kernels, WeightPolicy binding) {
        String onednn() {
            return kernels.equals("onednn") ? "1" : "0";
        }
    }

    @Override
    public Integer call() throws Exception {
        if (tiles < 1 || threads < 1 || runs < 1) throw new IllegalArgumentException("--tiles, --threads and --runs must be >= 1");
        String[] ends = stage.split("\\.\\.", -1);
        if (ends.length != 2) throw new IllegalArgumentException("--stage must be FIRST..LAST, got '" + stage + "'");
        Model graph = ModelArg.graph(model);
        Stage s = Stage.of(graph, graph.indexOf(ends[0]), graph.indexOf(ends[1]));
        if (!s.tileable()) throw new IllegalArgumentException("stage " + s.describe(graph) + " is not tileable");
        if (graph.shape(s.last()).h() < tiles) throw new IllegalArgumentException("the stage's output has fewer rows than " + tiles + " tiles");
        List<Side> sides = new ArrayList<>();
        for (String k : kernels) {
            if (!k.equals("eigen") && !k.equals("onednn")) throw new IllegalArgumentException("unknown kernels '" + k + "' (eigen, onednn)");
            for (String b : bindings) sides.add(new Side(k, binding(b)));
        }
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Path dir = Files.createTempDirectory("edgefuse-bench-graphs");
        try {
            Table t = new Table("kernels", "binding", "tile", "rows", "first run ms", "steady ms", "process grew MB", "shared tensors", "max |out - first side|");
            List<Map<String, Object>> rows = new ArrayList<>();
            Path reference = null;
            for (Side side : sides) {
                Path sideDir = Files.createDirectory(dir.resolve(side.kernels() + "-" + side.binding()));
                err.printf("%s kernels, %s: %d tile graphs of %s in a JVM of their own%n", side.kernels(), side.binding(), tiles, s.describe(graph));
                err.flush();
                for (JsonNode line : probe(side, ends[0], ends[1], sideDir, err)) {
                    int k = line.get("tile").asInt();
                    double diff = reference == null ? 0 : maxAbsDiff(reference.resolve(name(sides.get(0), k)), sideDir.resolve(name(side, k)));
                    t.row(side.kernels(), side.binding(), k, line.get("rows").asText(), String.format(Locale.ROOT, "%.0f", line.get("firstRunMs").asDouble()),
                            String.format(Locale.ROOT, "%.1f", line.get("steadyMs").asDouble()),
                            String.format(Locale.ROOT, "%.0f", line.get("growthBytes").asLong() / 1e6), line.get("sharedTensors").asInt(),
                            String.format(Locale.ROOT, "%.2e", diff));
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("kernels", side.kernels());
                    r.put("binding", side.binding().name());
                    line.fields().forEachRemaining(e -> r.put(e.getKey(), e.getValue()));
                    r.put("maxAbsDiffToFirst", diff);
                    rows.add(r);
                }
                if (reference == null) reference = sideDir;
            }
            if (json) {
                Json.print(out, rows);
            } else {
                t.print(out);
                out.println("first run = graph set-up + first session run; process grew = resident memory after the first run minus before the tile");
                out.flush();
            }
            return 0;
        } finally {
            Directories.deleteTree(dir);
        }
    }

    private static WeightPolicy binding(String b) {
        return switch (b) {
            case "feed-all" -> WeightPolicy.FEED_ALL;
            case "constant-filters" -> WeightPolicy.CONSTANT_FILTERS;
            default -> throw new IllegalArgumentException("unknown binding '" + b + "' (feed-all, constant-filters)");
        };
    }

    private static String name(Side side, int tile) {
        return side.binding() + "-tile" + tile + ".f32";
    }

    private List<JsonNode> probe(Side side, String first, String last, Path sideDir, PrintWriter err) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), TileGraphProbe.class.getName(),
                model, first, last, String.valueOf(tiles), side.binding().name(), String.valueOf(threads),
                String.valueOf(runs), sideDir.toString());
        pb.environment().put(WeightPolicy.ONEDNN_ENV, side.onednn());
        pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                if (l.startsWith("{")) lines.add(mapper.readTree(l));
                else err.println("  " + l);
            }
        } finally {
            if (p.waitFor() != 0 || lines.size() != tiles) {
                p.destroyForcibly();
                throw new CommandFailedException("the measuring JVM for " + side.kernels() + "/" + side.binding() + " failed (exit " + p.exitValue() + ", "
                        + lines.size() + " of " + tiles + " tiles measured)");
            }
        }
        return lines;
    }

    private static double maxAbsDiff(Path a, Path b) throws IOException {
        double max = 0;
        try (DataInputStream x = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(a)));
             DataInputStream y = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(b)))) {
            long n = Files.size(a) / 4;
            if (n != Files.size(b) / 4) return Double.POSITIVE_INFINITY;
            for (long i = 0; i < n; i++) max = Math.max(max, Math.abs(x.readFloat() - y.readFloat()));
        }
        return max;
    }
}
