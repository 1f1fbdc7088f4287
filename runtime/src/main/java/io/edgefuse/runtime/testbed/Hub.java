package io.edgefuse.runtime.testbed;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an `edgefuse` command inside the hub namespace, where the broker listens on 127.0.0.1: the
 * coordinator and the measuring client must sit beside the broker, and the hub's addresses exist
 * nowhere else. The child shares this terminal (its output is ours).
 */
public final class Hub {
    private Hub() {}

    public static int run(List<String> edgefuseArgs) {
        return run(edgefuseArgs, null);
    }

    /** As {@link #run(List)}, stdout to {@code output} when given (stderr stays ours). */
    public static int run(List<String> edgefuseArgs, java.nio.file.Path output) {
        List<String> cmd = new ArrayList<>();
        java.nio.file.Path procs = CpuCgroups.detect().procsFile(EmulatedCluster.HUB_CGROUP);
        if (java.nio.file.Files.exists(procs)) cmd.addAll(List.of("sh", "-c", "echo $$ > '" + procs + "' && exec \"$@\"", "sh"));
        cmd.addAll(List.of("ip", "netns", "exec", ShapedLinks.HUB, ProcessHandle.current().info().command().orElse("java")));
        String cache = System.getProperty("edgefuse.zoo.cache");
        if (cache != null) cmd.add("-Dedgefuse.zoo.cache=" + cache);
        cmd.addAll(List.of("-Xmx3g", "-cp", System.getProperty("java.class.path"), "io.edgefuse.runtime.cli.Main"));
        cmd.addAll(edgefuseArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO().redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (output != null) pb.redirectOutput(output.toFile());
        pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
        try {
            Process p = pb.start();
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                p.destroy();
                Thread.currentThread().interrupt();
                return 130;
            }
        } catch (IOException e) {
            throw new TestbedException("cannot run in " + ShapedLinks.HUB + ": " + e.getMessage(), e);
        }
    }

    /** The broker as seen from inside the hub namespace. */
    public static final String BROKER_HOST = "127.0.0.1";
}
