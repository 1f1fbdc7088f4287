package io.edgefuse.node.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.testing.RandomGraphs;
import io.edgefuse.node.ModelStore;
import io.edgefuse.node.testing.GateExecutor;
import io.edgefuse.node.testing.TestModels;
import io.edgefuse.protocol.DType;
import io.edgefuse.protocol.ErrorCode;
import io.edgefuse.protocol.ResultFrame;
import io.edgefuse.protocol.TaskFrame;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskRunnerTest {
    private final Model model = TestModels.tiny(1);
    private final ModelStore store = new ModelStore();
    private TaskRunner runner;

    TaskRunnerTest() {
        store.add(model);
    }

    @AfterEach
    void close() {
        if (runner != null) runner.close();
    }

    private ResultFrame run(byte[] payload) throws Exception {
        byte[] r = runner.submit(payload).get(20, TimeUnit.SECONDS);
        assertNotNull(r, "expected a result frame");
        return ResultFrame.decode(r);
    }

    @Test
    void tileResultEqualsTheReferenceExecutorOnThatTile() throws Exception {
        runner = new TaskRunner("n1", new JavaExecutor(), store, 1, 4);
        Tensor x = RandomGraphs.input(model, 5);
        TaskFrame t = TestModels.tile(model, "r1", "t1", 0, 3, x, 1, 3, 0);
        ResultFrame r = run(TestModels.encode(t));

        assertFalse(r.isError(), () -> r.error() + ": " + r.errorMessage());
        Tensor want = new JavaExecutor().run(model, Stage.of(model, 0, 3), new RegionTensor(t.inputRegion(), t.input()), t.outputRegion());
        assertArrayEquals(want.shape(), r.output().shape());
        assertArrayEquals(want.data(), r.output().data());
        assertEquals("r1", r.request());
        assertEquals("t1", r.task());
        assertEquals("n1", r.node());
        assertEquals(t.outputRegion(), r.outputRegion());
        assertTrue(r.computeMs() > 0);
        // and the tile is that part of the monolithic run
        Tensor full = new JavaExecutor().run(model, Stage.of(model, 0, 3), RegionTensor.whole(x), null);
        assertTrue(RegionTensor.whole(full).crop(t.outputRegion()).maxAbsDiff(r.output()) <= 1e-5f);
        assertTrue(runner.stats().throughputGflops() > 0);
        assertEquals(1, runner.stats().completed());
    }

    @Test
    void wholeRandomModelsMatchTheMonolithicRun() throws Exception {
        runner = new TaskRunner("n1", new JavaExecutor(), store, 2, 4);
        for (long seed = 1; seed <= 5; seed++) {
            Model m = RandomGraphs.generate(seed);
            store.add(m);
            Tensor x = RandomGraphs.input(m, seed);
            TaskFrame t = new TaskFrame("r" + seed, "t", m.name(), m.version(), 0, m.size() - 1, null, null, 0, x);
            ResultFrame r = run(t.encode(DType.FLOAT32));
            assertFalse(r.isError(), () -> r.error() + ": " + r.errorMessage());
            assertArrayEquals(new JavaExecutor().runWhole(m, x).data(), r.output().data());
        }
    }

    @Test
    void unreadablePayloadsCompleteWithNullAndNeverThrow() throws Exception {
        runner = new TaskRunner("n1", new JavaExecutor(), store, 1, 4);
        Random rnd = new Random(3);
        for (int i = 0; i < 50; i++) {
            byte[] junk = new byte[rnd.nextInt(200)];
            rnd.nextBytes(junk);
            assertNull(runner.submit(junk).get(5, TimeUnit.SECONDS));
        }
        assertNull(runner.submit(null).get(5, TimeUnit.SECONDS));
        // a valid task is still answered
        TaskFrame t = TestModels.tile(model, "r", "t", 0, 2, RandomGraphs.input(model, 1), 0, 8, 0);
        assertFalse(run(TestModels.encode(t)).isError());
    }

    @Test
    void malformedTasksGetTheRightErrorCode() throws Exception {
        runner = new TaskRunner("n1", new JavaExecutor(), store, 1, 4);
        Tensor x = RandomGraphs.input(model, 2);
        TaskFrame good = TestModels.tile(model, "r", "t", 0, 2, x, 0, 4, 0);
        byte[] ok = TestModels.encode(good);

        ResultFrame truncated = run(Arrays.copyOf(ok, ok.length - 7));
        assertEquals(ErrorCode.BAD_FRAME, truncated.error());
        assertEquals("r", truncated.request());
        assertTrue(truncated.errorMessage().contains("truncated"), truncated.errorMessage());

        ResultFrame wrongVersion = run(TestModels.encode(new TaskFrame("r", "t", "tiny", "0".repeat(64), 0, 2, good.inputRegion(), good.outputRegion(), 0, good.input())));
        assertEquals(ErrorCode.UNKNOWN_MODEL, wrongVersion.error());
        assertTrue(wrongVersion.errorMessage().contains(model.version()), "should list the loaded version: " + wrongVersion.errorMessage());

        Tensor narrow = Tensor.zeros(good.input().dim(0), good.input().dim(1), 2);
        ResultFrame wrongChannels = run(TestModels.encode(new TaskFrame("r", "t", "tiny", model.version(), 0, 2, good.inputRegion(), good.outputRegion(), 0, narrow)));
        assertEquals(ErrorCode.WRONG_SHAPE, wrongChannels.error());

        Tensor shortTile = RegionTensor.whole(x).crop(new io.edgefuse.model.region.Region(0, 4, 0, 16));
        ResultFrame tooLittleHalo = run(TestModels.encode(new TaskFrame("r", "t", "tiny", model.version(), 0, 2,
                new io.edgefuse.model.region.Region(0, 4, 0, 16), good.outputRegion(), 0, shortTile)));
        assertEquals(ErrorCode.WRONG_SHAPE, tooLittleHalo.error());
        assertTrue(tooLittleHalo.errorMessage().contains("needs input"), tooLittleHalo.errorMessage());

        ResultFrame badStage = run(TestModels.encode(new TaskFrame("r", "t", "tiny", model.version(), 2, 40, null, null, 0, x)));
        assertEquals(ErrorCode.BAD_REQUEST, badStage.error());

        ResultFrame regionOffMap = run(TestModels.encode(new TaskFrame("r", "t", "tiny", model.version(), 0, 2,
                good.inputRegion(), new io.edgefuse.model.region.Region(6, 12, 0, 8), 0, good.input())));
        assertEquals(ErrorCode.BAD_REQUEST, regionOffMap.error());

        ResultFrame regionsOnWholeStage = run(TestModels.encode(new TaskFrame("r", "t", "tiny", model.version(), 4, 5,
                good.inputRegion(), good.outputRegion(), 0, Tensor.zeros(2, 2, 6))));
        assertEquals(ErrorCode.BAD_REQUEST, regionsOnWholeStage.error());

        assertFalse(run(ok).isError(), "the next valid task is answered");
    }

    @Test
    void pastDeadlineIsTimeoutWithoutComputing() throws Exception {
        GateExecutor gate = new GateExecutor();
        runner = new TaskRunner("n1", gate, store, 1, 4);
        TaskFrame t = TestModels.tile(model, "r", "t", 0, 2, RandomGraphs.input(model, 1), 0, 8, System.currentTimeMillis() - 1);
        gate.open();
        ResultFrame r = run(TestModels.encode(t));
        assertEquals(ErrorCode.TIMEOUT, r.error());
        assertEquals(0, gate.started());
    }

    @Test
    void fullQueueAnswersBusyAtOnce() throws Exception {
        GateExecutor gate = new GateExecutor();
        runner = new TaskRunner("n1", gate, store, 1, 2);
        byte[] task = TestModels.encode(TestModels.tile(model, "r", "t", 0, 2, RandomGraphs.input(model, 1), 0, 8, 0));
        CompletableFuture<byte[]> running = runner.submit(task);
        assertTrue(gate.awaitStarted(1, 5_000), "first task should be computing");
        CompletableFuture<byte[]> q1 = runner.submit(task), q2 = runner.submit(task);
        assertEquals(2, runner.stats().queueDepth());
        CompletableFuture<byte[]> rejected = runner.submit(task);
        assertTrue(rejected.isDone(), "BUSY must not wait for the queue");
        assertEquals(ErrorCode.BUSY, ResultFrame.decode(rejected.get()).error());

        gate.open();
        for (CompletableFuture<byte[]> f : java.util.List.of(running, q1, q2)) {
            assertFalse(ResultFrame.decode(f.get(10, TimeUnit.SECONDS)).isError());
        }
    }

    @Test
    void closeCompletesQueuedTasks() throws Exception {
        GateExecutor gate = new GateExecutor();
        runner = new TaskRunner("n1", gate, store, 1, 2);
        byte[] task = TestModels.encode(TestModels.tile(model, "r", "t", 0, 2, RandomGraphs.input(model, 1), 0, 8, 0));
        CompletableFuture<byte[]> running = runner.submit(task);
        CompletableFuture<byte[]> queued = runner.submit(task);
        Thread opener = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                // opens at once then
            }
            gate.open();
        });
        opener.start();
        runner.close(); // waits for the running task, drops the queued one
        opener.join();
        assertNull(queued.get(1, TimeUnit.SECONDS), "nobody can receive a queued task's answer after close");
        assertFalse(ResultFrame.decode(running.get(1, TimeUnit.SECONDS)).isError(), "the running task finishes");
        assertEquals(1, gate.started());
        assertEquals(ErrorCode.BUSY, ResultFrame.decode(runner.submit(task).get(1, TimeUnit.SECONDS)).error());
    }
}
