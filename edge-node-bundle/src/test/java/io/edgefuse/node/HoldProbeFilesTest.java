package io.edgefuse.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The asker and the holding node agree on one file format; an answer counts only for its own round. */
class HoldProbeFilesTest {
    @Test
    void aRequestIsSeenByTheNodeAndItsAnswerByTheAsker(@TempDir Path dir) throws Exception {
        Path go = dir.resolve("go");
        assertEquals("", HoldProbeFiles.standingRequest(go, "pi4-1"));
        assertTrue(Double.isNaN(HoldProbeFiles.answerTo(go, "pi4-1", 1)), "no answer before the node replies");

        HoldProbeFiles.ask(go, "pi4-1", 2);
        assertEquals("2", HoldProbeFiles.standingRequest(go, "pi4-1"));
        assertEquals("", HoldProbeFiles.standingRequest(go, "pi4-2"), "each node has its own request file");

        HoldProbeFiles.reply(go, "pi4-1", "2", 9.75);
        assertEquals(9.75, HoldProbeFiles.answerTo(go, "pi4-1", 2), 1e-12);
        assertTrue(Double.isNaN(HoldProbeFiles.answerTo(go, "pi4-1", 3)), "an answer to round 2 is not one to round 3");

        Files.writeString(HoldProbeFiles.answer(go, "pi4-1"), "3 not-a-number");
        assertTrue(Double.isNaN(HoldProbeFiles.answerTo(go, "pi4-1", 3)), "a garbled answer is no answer");
        assertEquals(dir.resolve("go.probe.pi4-1"), HoldProbeFiles.request(go, "pi4-1"));
    }
}
