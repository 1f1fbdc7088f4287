package io.edgefuse.runtime.cli;

import static io.edgefuse.runtime.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** bench graphs as a user calls it: one measuring JVM per kernel library, outputs compared. */
class BenchGraphsCliTest {
    @Test
    void measuresEachSideInItsOwnJvmAndComparesTheOutputs() throws Exception {
        CliRun r = run("bench", "graphs", "--model", "fmnist-vgg", "--stage", "conv1_1..relu1_2", "--tiles", "2", "--runs", "1",
                "--kernels", "eigen,onednn", "--binding", "feed-all", "--heap", "512m", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertEquals(4, rows.size(), r.out());
        for (JsonNode row : rows) {
            assertEquals("FEED_ALL", row.get("binding").asText());
            assertTrue(row.get("firstRunMs").asDouble() > 0 && row.get("steadyMs").asDouble() > 0, row.toString());
            // conv1_2's 3x3x32x32 filter is fed from one shared copy; conv1_1's 288 values stay a constant.
            assertEquals(1, row.get("sharedTensors").asInt(), row.toString());
            // Eigen and oneDNN sum in other orders: equal to float rounding, not bit for bit.
            assertTrue(row.get("maxAbsDiffToFirst").asDouble() < 1e-3, row.toString());
        }
        assertEquals("eigen", rows.get(0).get("kernels").asText());
        assertEquals("onednn", rows.get(3).get("kernels").asText());
    }

    @Test
    void badArgumentsGetAMessage() {
        CliRun stage = run("bench", "graphs", "--model", "fmnist-vgg", "--stage", "conv1_1");
        assertEquals(3, stage.code());
        assertTrue(stage.err().contains("--stage must be FIRST..LAST"), stage.err());
        CliRun node = run("bench", "graphs", "--model", "fmnist-vgg", "--stage", "conv1_1..nope");
        assertEquals(3, node.code());
        assertTrue(node.err().contains("no node 'nope'"), node.err());
        CliRun kernels = run("bench", "graphs", "--model", "fmnist-vgg", "--stage", "conv1_1..relu1_2", "--kernels", "mkl");
        assertEquals(3, kernels.code());
        assertTrue(kernels.err().contains("eigen, onednn"), kernels.err());
        CliRun binding = run("bench", "graphs", "--model", "fmnist-vgg", "--stage", "conv1_1..relu1_2", "--binding", "variables");
        assertEquals(3, binding.code());
        assertTrue(binding.err().contains("feed-all, constant-filters"), binding.err());
    }
}
