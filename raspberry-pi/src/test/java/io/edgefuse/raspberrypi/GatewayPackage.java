package io.edgefuse.raspberrypi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The gateway package Maven assembled (target/edgefuse-gateway) and a way to run its scripts. */
final class GatewayPackage {
    static final Path DIR = Path.of(System.getProperty("edgefuse.gateway.dir", "target/edgefuse-gateway")).toAbsolutePath();
    static final String TF_CLASSIFIER = System.getProperty("edgefuse.gateway.tf.classifier", "linux-x86_64");

    private GatewayPackage() {
    }

    static Path file(String relative) {
        return DIR.resolve(relative);
    }

    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs a script of the package (or an installed copy) with bash; env entries with a null value are removed. */
    static Result run(Path script, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // The machine's architecture must come from the machine unless a test says otherwise.
        pb.environment().remove("EDGEFUSE_ARCH");
        env.forEach((k, v) -> {
            if (v == null) pb.environment().remove(k);
            else pb.environment().put(k, v);
        });
        Path out = Files.createTempFile("install-out", ".txt"), err = Files.createTempFile("install-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(script + " did not finish within 180 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Result install(String... args) throws IOException, InterruptedException {
        return run(file("install.sh"), Map.of(), args);
    }

    /** Every path below root (relative, '/'-separated, folders end with '/'), with each file's size and each link's target. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> all = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.equals(root)) continue;
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) all.put(rel, "-> " + Files.readSymbolicLink(p));
                else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) all.put(rel + "/", "");
                else all.put(rel, Files.size(p) + " bytes");
            }
        }
        return all;
    }
}
