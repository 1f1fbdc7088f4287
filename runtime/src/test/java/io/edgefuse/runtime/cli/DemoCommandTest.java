package io.edgefuse.runtime.cli;

import static io.edgefuse.runtime.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** `./edgefuse demo`, the README's main job, as a user runs it: real broker, node processes, coordinator. */
class DemoCommandTest {
    private static final Path SHIPPED_VGG = Path.of("..", "models", "fmnist-vgg");

    @Test
    void answersFashionImagesThroughTheClusterAndOnOneNodeAlike() {
        assertTrue(Files.isDirectory(SHIPPED_VGG), "shipped model missing: " + SHIPPED_VGG.toAbsolutePath());
        CliRun r = run("demo", "--model", SHIPPED_VGG.toString(), "--nodes", "2", "--images", "2");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("partitioned by the edgefuse planner:") && r.out().contains("the whole model on one node:"), r.out());
        // The first sample is an ankle boot; the trained model knows one.
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("fashion-0 (Ankle boot)  Ankle boot")), r.out());
        assertTrue(r.out().contains("the partitioned answers equal the one-node answers"), r.out());
        assertTrue(r.out().contains("speedup over one node:"), r.out());
        assertTrue(r.out().contains("stopped the coordinator, the nodes and the broker"), r.out());
    }

    @Test
    void rejectsANonsenseNodeCountBeforeStartingAnything() {
        CliRun r = run("demo", "--nodes", "0");
        assertEquals(3, r.code());
        assertTrue(r.err().contains("--nodes and --images must be >= 1"), r.err());
    }
}
