package io.edgefuse.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** bench cluster's report when a planner got no answer at all: no NaN in the table, the JSON or the chart. */
class BenchClusterTableTest {
    private static final BenchClusterCommand.Row ANSWERED =
            new BenchClusterCommand.Row("edgefuse", 2000, 2200, 0.5, 1600, 24e6, 24e6, 5, 18, List.of(2000.0, 2200.0), 0, Map.of());
    private static final BenchClusterCommand.Row FAILED =
            new BenchClusterCommand.Row("single", Double.NaN, Double.NaN, 0, 3100, 2e6, 2e6, 0, 0, List.of(), 5, Map.of());

    @Test
    void aPlannerWithoutAnswersShowsDashesAndSaysWhy() {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        BenchClusterCommand.printTable(out, List.of(ANSWERED, FAILED), FAILED.p50());
        out.flush();
        assertFalse(text.toString().contains("NaN"), text.toString());
        assertTrue(text.toString().contains("single: none of its 5 timed request(s) was answered"), text.toString());
        assertTrue(text.toString().lines().anyMatch(l -> l.startsWith("edgefuse") && l.contains(" 2000 ") && l.contains("-20%")), text.toString());
    }

    @Test
    void theJsonHasNullWhereThereIsNoFigure() throws Exception {
        Map<String, Object> row = BenchClusterCommand.rowJson(FAILED, FAILED.p50());
        assertNull(row.get("p50Ms"));
        assertNull(row.get("speedupOverSingle"));
        assertEquals(5, row.get("errors"));
        Map<String, Object> ok = BenchClusterCommand.rowJson(ANSWERED, 3000);
        assertEquals(1.5, (Double) ok.get("speedupOverSingle"), 1e-9);
        String json = new ObjectMapper().writeValueAsString(List.of(row, ok));
        assertFalse(json.contains("NaN"), json);
    }

    @Test
    void theMessagePathsThePredictionUsedArePrinted() {
        io.edgefuse.allocator.coordinator.MessagePathEstimate learned = new io.edgefuse.allocator.coordinator.MessagePathEstimate(12, 11.5);
        for (int i = 0; i < 40; i++) learned.observe(0.5 + (i % 4), 20 + 25 * (0.5 + (i % 4)));
        io.edgefuse.allocator.coordinator.MessagePathEstimate few = new io.edgefuse.allocator.coordinator.MessagePathEstimate(12, 11.5);
        few.observe(1, 40);
        BenchClusterCommand.Row row = new BenchClusterCommand.Row("aofl", 2000, 2200, 0.5, 1900, 24e6, 24e6, 5, 18, List.of(2000.0), 0,
                Map.of("pi3-1", learned, "pi4-1", few));
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        BenchClusterCommand.printTable(out, List.of(row), 3000);
        out.flush();
        String line = text.toString().lines().filter(l -> l.startsWith("  aofl:")).findFirst().orElseThrow(() -> new AssertionError(text));
        assertTrue(line.matches(".*pi3-1 (1[89]|2[01])\\.\\d ms \\+ 2[45]\\.\\d ms/MB \\(40 samples\\); pi4-1 .*\\(1 samples\\) - too few, default used"), line);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> json = (Map<String, Map<String, Object>>) BenchClusterCommand.rowJson(row, 3000).get("messagePaths");
        assertEquals(true, json.get("pi3-1").get("used"));
        assertEquals(false, json.get("pi4-1").get("used"));
    }

    @Test
    void aChartWithoutAReferenceStillHasNumbers() {
        String svg = SvgChart.bars("t", "ms", List.of(new SvgChart.Bar("edgefuse", 2000, 2200, "2000 ms")), Double.NaN, "ideal");
        assertFalse(svg.contains("NaN"), svg);
    }

    @Test
    void theHostLoadIsReadFromProc() {
        double load = BenchClusterCommand.loadAverage();
        // Linux (where the emulated cluster runs) always has /proc/loadavg; elsewhere the report says nothing
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/loadavg"))) assertTrue(load >= 0 && Double.isFinite(load), "load " + load);
        else assertTrue(Double.isNaN(load));
    }
}
