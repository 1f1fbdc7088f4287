package io.edgefuse.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskResultFrameTest {
    @Test
    void taskAndResultRoundTrip() {
        TaskFrame t = new TaskFrame("r1", "r1/s0/t2", "vgg16", "abc", 0, 7, new Region(10, 40, 0, 224), new Region(5, 18, 0, 112), 123456789L,
                Tensor.random(1, -1, 1, 30, 224, 3));
        TaskFrame back = TaskFrame.decode(t.encode(DType.FLOAT32));
        assertEquals(t.request(), back.request());
        assertEquals(t.inputRegion(), back.inputRegion());
        assertEquals(t.outputRegion(), back.outputRegion());
        assertEquals(7, back.last());
        assertEquals(123456789L, back.deadlineEpochMs());
        assertArrayEquals(t.input().data(), back.input().data());

        ResultFrame ok = ResultFrame.ok(t, "n1", 12.5, Tensor.random(2, -1, 1, 13, 112, 64));
        ResultFrame okBack = ResultFrame.decode(ok.encode(DType.FLOAT32));
        assertEquals("n1", okBack.node());
        assertEquals(new Region(5, 18, 0, 112), okBack.outputRegion());
        assertArrayEquals(ok.output().data(), okBack.output().data());

        ResultFrame err = ResultFrame.decode(ResultFrame.failed("r1", "r1/s0/t2", "n1", ErrorCode.BUSY, "queue full (8 tasks)").encode(DType.FLOAT32));
        assertTrue(err.isError());
        assertEquals(ErrorCode.BUSY, err.error());
        assertNull(err.output());
    }

    @Test
    void wholeStageTasksHaveNoRegionsAndBadFieldsAreNamed() {
        TaskFrame t = new TaskFrame("r", "r/s3/t0", "m", "v", 30, 33, null, null, 0, Tensor.random(1, -1, 1, 512));
        assertNull(TaskFrame.decode(t.encode(DType.FLOAT16)).outputRegion());
        byte[] notTask = Frames.encode(Frames.header().put("type", "result"), Tensor.zeros(1), DType.FLOAT32);
        assertTrue(assertThrows(ProtocolException.class, () -> TaskFrame.decode(notTask)).getMessage().contains("not a task"));
        byte[] noModel = Frames.encode(Frames.header().put("type", "task").put("request", "r").put("task", "t"), Tensor.zeros(1), DType.FLOAT32);
        assertTrue(assertThrows(ProtocolException.class, () -> TaskFrame.decode(noModel)).getMessage().contains("stage"));
    }

    @Test
    void answersAreJson() {
        JsonNode a = Answer.parse(Answer.result("q1", "resnet18", "v1", List.of(new Answer.Label("cat", 0.9)), 12.345, null));
        assertEquals("cat", a.path("top").get(0).path("label").asText());
        assertEquals(12.35, a.path("latencyMs").asDouble(), 1e-9);
        JsonNode e = Answer.parse(Answer.error("q2", ErrorCode.UNKNOWN_MODEL, "no model 'x'"));
        assertEquals("unknown_model", e.path("error").path("code").asText());
    }
}
