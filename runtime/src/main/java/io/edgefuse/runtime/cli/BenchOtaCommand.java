package io.edgefuse.runtime.cli;

import io.edgefuse.runtime.bench.OtaBench;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench-ota", mixinStandardHelpOptions = true,
        description = {"Pushes models of the given sizes over the air to local node processes (embedded broker, tf executor, an in-process"
                + " coordinator) while two clients keep asking for inferences, and prints, per size, the time from the first chunk"
                + " sent until every node has the new version active (median over --repeats pushes), and the answer latency: p50 in the"
                + " 10 s before the push, p50 and max from the push to the coordinator's switch, p50 in the 10 s after it, max within 3 s of it."})
final class BenchOtaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--sizes", split = ",", defaultValue = "10,60", description = "Model sizes in MB. Default: ${DEFAULT-VALUE}.")
    List<Double> sizes;

    @Option(names = "--repeats", defaultValue = "3", description = "Pushes per size. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--nodes", defaultValue = "3", description = "Local node processes. Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--chunk-kib", defaultValue = "256", description = "Chunk size in KiB. Default: ${DEFAULT-VALUE}.")
    int chunkKib;

    @Option(names = "--work", description = "Folder for keys, models and staging (default: a new temporary folder).")
    Path work;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (repeats < 1 || nodes < 1) throw new IllegalArgumentException("--repeats and --nodes must be >= 1");
        Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("edgefuse-bench-ota");
        List<OtaBench.Push> pushes = OtaBench.run(sizes, repeats, nodes, OtaOptions.chunkSize(chunkKib), dir, s -> {
            out.println(s);
            out.flush();
        });
        Table t = new Table("model MB", "pushes", "all-active s (median)", "min", "max", "p50 before push ms", "p50 push..switch ms", "max push..switch ms",
                "p50 after switch ms", "max ±3 s of switch ms", "errors");
        for (double mb : sizes) {
            List<OtaBench.Push> l = new ArrayList<>();
            for (OtaBench.Push p : pushes) if (Math.abs(p.sizeMb() - mb) < mb * 0.3 + 1) l.add(p);
            if (l.isEmpty()) continue;
            List<Double> active = l.stream().map(OtaBench.Push::allActiveSeconds).toList();
            t.row(String.format("%.1f", l.get(0).sizeMb()), l.size(), String.format("%.2f", OtaBench.median(active)),
                    String.format("%.2f", active.stream().mapToDouble(d -> d).min().orElse(0)), String.format("%.2f", active.stream().mapToDouble(d -> d).max().orElse(0)),
                    String.format("%.1f", OtaBench.median(l.stream().map(OtaBench.Push::p50BeforeMs).toList())),
                    String.format("%.1f", OtaBench.median(l.stream().map(OtaBench.Push::p50DuringMs).toList())),
                    String.format("%.1f", l.stream().mapToDouble(OtaBench.Push::maxDuringMs).max().orElse(0)),
                    String.format("%.1f", OtaBench.median(l.stream().map(OtaBench.Push::p50AfterMs).toList())),
                    String.format("%.1f", l.stream().mapToDouble(OtaBench.Push::maxAroundSwitchMs).max().orElse(0)),
                    l.stream().mapToInt(OtaBench.Push::errors).sum());
        }
        out.println();
        t.print(out);
        out.println("(" + nodes + " node processes and the broker on this machine, " + Runtime.getRuntime().availableProcessors() + " cores; chunks of " + chunkKib + " KiB)");
        return 0;
    }
}
