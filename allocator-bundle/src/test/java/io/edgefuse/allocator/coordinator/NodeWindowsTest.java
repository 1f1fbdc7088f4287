package io.edgefuse.allocator.coordinator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgefuse.model.Model;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.testing.RandomGraphs;
import io.edgefuse.protocol.DType;
import io.edgefuse.protocol.ResultFrame;
import io.edgefuse.protocol.TaskFrame;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A node never gets more tiles than its status says it holds (workers + queue): the rest wait at the coordinator. */
class NodeWindowsTest {

    @Test
    void aFullNodeMakesTilesWaitInOrderUntilOneIsDone() {
        NodeWindows<String> w = new NodeWindows<>();
        assertTrue(w.admit("n1", 2, "a"));
        assertTrue(w.admit("n1", 2, "b"));
        assertFalse(w.admit("n1", 2, "c"));
        assertFalse(w.admit("n1", 2, "d"));
        assertTrue(w.admit("n2", 2, "x"), "another node has its own window");
        assertNull(w.next("n1", 2), "no room yet");
        w.release("n1");
        assertEquals("c", w.next("n1", 2));
        assertNull(w.next("n1", 2));
        assertTrue(w.withdraw("n1", "d"));
        assertFalse(w.withdraw("n1", "d"));
        assertEquals(0, w.waiting("n1"));
        assertEquals(2, w.outstanding("n1"));
        w.release("n1");
        assertTrue(w.admit("n1", 2, "e"), "room again once nothing waits before it");
    }

    @Test
    void theCoordinatorSendsANodeNoMoreThanItsSlots() throws Exception {
        Model m = RandomGraphs.generate(5);
        Membership members = new Membership(60_000);
        members.onStatus("n1", status(m, 1), System.currentTimeMillis());
        LinkedBlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
        try (Coordinator c = new Coordinator(CoordinatorConfig.defaults().withPlanner("single"), members, (node, frame) -> sent.add(frame))) {
            Tensor x1 = RandomGraphs.input(m, 1), x2 = RandomGraphs.input(m, 2);
            CompletableFuture<Outcome> r1 = c.infer("r1", m, x1), r2 = c.infer("r2", m, x2);
            byte[] first = sent.poll(10, TimeUnit.SECONDS);
            assertNotNull(first);
            assertTrue(sent.poll(500, TimeUnit.MILLISECONDS) == null, "the second request's tile waits: n1 holds one tile");
            c.onResult(answer(m, first));
            byte[] second = sent.poll(10, TimeUnit.SECONDS);
            assertNotNull(second, "sent once the first was answered");
            c.onResult(answer(m, second));
            JavaExecutor local = new JavaExecutor();
            assertArrayEquals(local.runWhole(m, x1).data(), r1.get(10, TimeUnit.SECONDS).output().data(), 1e-5f);
            assertArrayEquals(local.runWhole(m, x2).data(), r2.get(10, TimeUnit.SECONDS).output().data(), 1e-5f);
        }
    }

    @Test
    void aNodeThatDoesNotSayItsSlotsGetsEveryTileAtOnce() throws Exception {
        Model m = RandomGraphs.generate(5);
        Membership members = new Membership(60_000);
        members.onStatus("n1", status(m, 0), System.currentTimeMillis());
        LinkedBlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
        try (Coordinator c = new Coordinator(CoordinatorConfig.defaults().withPlanner("single"), members, (node, frame) -> sent.add(frame))) {
            c.infer("r1", m, RandomGraphs.input(m, 1));
            c.infer("r2", m, RandomGraphs.input(m, 2));
            assertNotNull(sent.poll(10, TimeUnit.SECONDS));
            assertNotNull(sent.poll(10, TimeUnit.SECONDS), "no window without taskSlots (nodes before this field)");
        }
    }

    private static ObjectNode status(Model m, int slots) {
        ObjectNode s = new ObjectMapper().createObjectNode();
        s.put("online", true).put("engine", "java").put("memoryBytes", 1L << 30);
        s.putObject("capacity").putObject("gflops").put("conv", 1.0);
        s.putArray("models").addObject().put("name", m.name()).put("version", m.version()).put("active", true);
        if (slots > 0) s.put("taskSlots", slots);
        return s;
    }

    /** What a node computes for the task: the stage over the task's input. */
    private static byte[] answer(Model m, byte[] frame) {
        TaskFrame t = TaskFrame.decode(frame);
        Stage stage = Stage.of(m, t.first(), t.last());
        RegionTensor in = t.inputRegion() == null ? RegionTensor.whole(t.input()) : new RegionTensor(t.inputRegion(), t.input());
        Tensor out = new JavaExecutor().run(m, stage, in, t.outputRegion());
        return ResultFrame.ok(t, "n1", 1.0, out).encode(DType.FLOAT32);
    }
}
