package io.edgefuse.runtime.cli;

import static io.edgefuse.runtime.cli.CliRun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.model.testing.RandomGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verbs as a user calls them: exit codes, JSON output, and messages for bad arguments. */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void modelsPrintsMacsAsJson() throws Exception {
        CliRun r = run("models", "vgg16", "resnet50", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        assertEquals(15.47e9, doc.get(0).path("macs").asDouble(), 0.02 * 15.47e9);
        assertEquals(4.09e9, doc.get(1).path("macs").asDouble(), 0.02 * 4.09e9);
    }

    @Test
    void checkPartitionPassesOnAModelFolderAndExitsNonZeroOnBadInput(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("m");
        ModelFormat.write(RandomGraphs.generate(5), folder);
        CliRun ok = run("check-partition", "--model", folder.toString(), "--devices", "2,3", "--executor", "java", "--json");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(JSON.readTree(ok.out()).path("passed").asBoolean());
        CliRun planners = run("check-partition", "--model", folder.toString(), "--devices", "3", "--executor", "java", "--planner", "all");
        assertEquals(0, planners.code(), planners.err());
        CliRun missing = run("check-partition", "--model", dir.resolve("nothing").toString());
        assertEquals(3, missing.code());
        assertTrue(missing.err().contains("neither a zoo model"), missing.err());
        CliRun badDevices = run("check-partition", "--model", folder.toString(), "--devices", "0");
        assertEquals(3, badDevices.code());
    }

    @Test
    void simulateReportsEveryPlannerAndWritesAChart(@TempDir Path dir) throws Exception {
        Path chart = dir.resolve("c.svg");
        CliRun r = run("simulate", "--model", "resnet18", "--nodes", "2xpi4,1xpi3", "--requests", "3", "--json", "--chart", chart.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode doc = JSON.readTree(r.out());
        assertEquals(5, doc.path("planners").size());
        assertTrue(Files.readString(chart).startsWith("<svg"));
        CliRun bad = run("simulate", "--model", "resnet18", "--nodes", "2xpi9");
        assertEquals(3, bad.code());
        assertTrue(bad.err().contains("unknown device profile 'pi9'"), bad.err());
        CliRun badEvent = run("simulate", "--model", "resnet18", "--event", "slow@x");
        assertEquals(3, badEvent.code());
    }

    @Test
    void unknownVerbsAndOptionsAreUsageErrors() {
        assertEquals(2, run("frobnicate").code());
        assertEquals(2, run("models", "--bogus").code());
        assertEquals(0, run("--help").code());
    }

    @Test
    void clusterVerbsHaveHelpAndRejectBadInputBeforeTouchingTheSystem() {
        for (String[] v : new String[][] {{"cluster", "--help"}, {"cluster", "up", "--help"}, {"cluster", "down", "--help"}, {"cluster", "status", "--help"},
                {"bench", "cluster", "--help"}}) {
            CliRun r = run(v);
            assertEquals(0, r.code(), String.join(" ", v));
            assertTrue(r.out().contains("Usage"), r.out());
        }
        CliRun badPlanner = run("bench", "cluster", "--model", "vgg16", "--planners", "edgefuse,magic");
        assertEquals(3, badPlanner.code());
        assertTrue(badPlanner.err().contains("magic"), badPlanner.err());
        assertEquals(3, run("bench", "cluster", "--model", "vgg16", "--requests", "0").code());
        assertEquals(3, run("bench", "cluster", "--model", "vgg16", "--dtype", "float8").code());
        assertEquals(3, run("bench").code(), "bench without --model says so");
    }
}
