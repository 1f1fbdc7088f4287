package io.edgefuse.runtime.cli;

import io.edgefuse.engine.tf.TfBench;
import io.edgefuse.model.Model;
import io.edgefuse.runtime.bench.WholeModelBench;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Whole-model latency of our tf executor against the same graph built directly in TensorFlow Java,"
                + " measured side by side in one run (interleaved), and optionally the pure-Java reference executor.",
                "Overhead = tf executor / direct TensorFlow (target <= 1.10). --jmh runs the same comparison under JMH.",
                "`bench cluster` measures planners end to end on the emulated cluster (docs/testbed.md); `bench graphs` what tile graphs cost per kernel library and weight binding (docs/node.md)."},
        subcommands = {BenchClusterCommand.class, BenchGraphsCommand.class})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", split = ",", description = "Zoo names or model folders, e.g. vgg16,resnet50,mobilenetv2 (required).")
    List<String> models;

    @Option(names = "--executor", defaultValue = "tf", split = ",", description = "tf, or tf,java to also time the reference executor. Default: ${DEFAULT-VALUE}.")
    List<String> executors;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed runs first (graph building, caches). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--iterations", defaultValue = "10", description = "Timed runs of each. Default: ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = "--jmh", description = "Run the JMH benchmark (io.edgefuse.runtime.bench.WholeModelBench) instead.")
    boolean jmh;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws RunnerException {
        if (models == null || models.isEmpty()) throw new IllegalArgumentException("--model is required (e.g. --model vgg16)");
        if (jmh) {
            new Runner(new OptionsBuilder().include(WholeModelBench.class.getName()).param("model", models.toArray(String[]::new))
                    .forks(1).warmupIterations(Math.max(1, warmup)).measurementIterations(Math.max(1, iterations)).build()).run();
            return 0;
        }
        for (String e : executors) {
            if (!e.equals("tf") && !e.equals("java")) throw new IllegalArgumentException("unknown executor '" + e + "' (tf, java)");
        }
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        boolean withJava = executors.contains("java");
        Table t = new Table("model", "GFLOP", "tf executor ms", "direct TF ms", "overhead", "java ms", "GFLOP/s (tf)", "max |tf - direct|");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : models) {
            Model m = ModelArg.load(name, err);
            err.printf("benchmarking %s: %d warm-up + %d timed runs each%s%n", m.name(), warmup, iterations, withJava ? " (java too: slow)" : "");
            err.flush();
            TfBench.Latencies l = TfBench.compare(m, warmup, iterations, withJava);
            double gflop = m.totalCost().flops() / 1e9;
            t.row(m.name(), String.format("%.2f", gflop), String.format("%.1f", l.tfExecutorMs()), String.format("%.1f", l.directTfMs()),
                    String.format("%.3f", l.overhead()), withJava ? String.format("%.0f", l.javaMs()) : "-",
                    String.format("%.1f", gflop / (l.tfExecutorMs() / 1000)), String.format("%.2e", l.maxAbsDiff()));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", m.name());
            r.put("gflop", gflop);
            r.put("tfExecutorMs", l.tfExecutorMs());
            r.put("directTfMs", l.directTfMs());
            r.put("overhead", l.overhead());
            if (withJava) r.put("javaMs", l.javaMs());
            r.put("maxAbsDiff", l.maxAbsDiff());
            r.put("iterations", l.iterations());
            rows.add(r);
        }
        if (json) {
            Json.print(out, rows);
        } else {
            t.print(out);
            out.println("median latencies; overhead = tf executor / direct TensorFlow, measured interleaved in this run");
            out.flush();
        }
        return 0;
    }
}
