package io.edgefuse.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgefuse.allocator.coordinator.Coordinator;
import io.edgefuse.allocator.coordinator.CoordinatorConfig;
import io.edgefuse.allocator.coordinator.InferenceFailure;
import io.edgefuse.allocator.coordinator.Membership;
import io.edgefuse.allocator.coordinator.Outcome;
import io.edgefuse.allocator.coordinator.TaskTransport;
import io.edgefuse.model.Model;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.testing.RandomGraphs;
import io.edgefuse.protocol.DType;
import io.edgefuse.protocol.ErrorCode;
import io.edgefuse.protocol.ResultFrame;
import io.edgefuse.protocol.TaskFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's scatter/gather and failure handling, with in-process workers that run the real
 * reference executor on the real frames (the MQTT path is tested end to end in the runtime).
 */
class CoordinatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JavaExecutor java = new JavaExecutor();
    private final List<ExecutorService> pools = new ArrayList<>();
    private Coordinator coordinator;
    /** Long enough that a loaded 2-core CI machine does not mistake a slow tile for a dead node. */
    private static final int TILE_TIMEOUT_MS = 2_000;

    /** Workers in this JVM; a worker in {@code dead} swallows its tasks, one in {@code busy} answers busy once per task. */
    private final class Workers implements TaskTransport {
        final Model model;
        final Set<String> dead = ConcurrentHashMap.newKeySet();
        final Set<String> busyOnce = ConcurrentHashMap.newKeySet();
        final AtomicInteger tasks = new AtomicInteger();
        final ExecutorService pool = Executors.newFixedThreadPool(4);

        Workers(Model model) {
            this.model = model;
            pools.add(pool);
        }

        @Override
        public void send(String node, byte[] frame) {
            tasks.incrementAndGet();
            if (dead.contains(node)) return;
            pool.execute(() -> {
                TaskFrame t = TaskFrame.decode(frame);
                ResultFrame r;
                if (busyOnce.remove(node + t.task())) {
                    r = ResultFrame.failed(t.request(), t.task(), node, ErrorCode.BUSY, "queue full");
                } else {
                    Stage s = Stage.of(model, t.first(), t.last());
                    RegionTensor in = new RegionTensor(t.inputRegion(), t.input());
                    r = ResultFrame.ok(t, node, 1.0, java.run(model, s, in, t.outputRegion()));
                }
                coordinator.onResult(r.encode(DType.FLOAT32));
            });
        }
    }

    private static ObjectNode status(Model m) {
        ObjectNode s = JSON.createObjectNode().put("online", true).put("engine", "java").put("memoryBytes", 1L << 32);
        s.putObject("capacity").put("layerOverheadMs", 0.1).putObject("gflops").put("conv", 2.0).put("depthwise", 0.5).put("pool", 0.3)
                .put("dense", 0.5).put("elementwise", 0.3);
        s.putArray("models").addObject().put("name", m.name()).put("version", m.version());
        return s;
    }

    private Membership membership(Model m, String... nodes) {
        Membership ms = new Membership(60_000);
        for (String n : nodes) ms.onStatus(n, status(m), System.currentTimeMillis());
        return ms;
    }

    @AfterEach
    void stop() {
        if (coordinator != null) coordinator.close();
        pools.forEach(ExecutorService::shutdownNow);
    }

    @Test
    void concurrentRequestsEqualMonolithicInference() throws Exception {
        for (long seed = 1; seed <= 6; seed++) {
            Model m = RandomGraphs.generate(seed);
            Workers w = new Workers(m);
            coordinator = new Coordinator(CoordinatorConfig.defaults().withLink(io.edgefuse.allocator.cluster.Profiles.link("wifi20")), membership(m, "a", "b", "c"), w);
            List<CompletableFuture<Outcome>> fs = new ArrayList<>();
            List<Tensor> inputs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Tensor in = RandomGraphs.input(m, seed * 100 + i);
                inputs.add(in);
                fs.add(coordinator.infer("r" + i, m, in));
            }
            for (int i = 0; i < fs.size(); i++) {
                Outcome o = fs.get(i).get(30, TimeUnit.SECONDS);
                Tensor mono = java.runWhole(m, inputs.get(i));
                assertTrue(o.output().maxAbsDiff(mono) <= 1e-4 * Math.max(1e-6, mono.maxAbs()), "seed " + seed + " request " + i);
                assertEquals(m.version(), o.modelVersion());
            }
            coordinator.close();
        }
    }

    @Test
    void tilesOfADeadNodeAreResentAndBusyAnswersRetried() throws Exception {
        Model m = TestModels.smallVggWithWeights();
        Workers w = new Workers(m);
        Membership ms = membership(m, "a", "b", "c");
        coordinator = new Coordinator(CoordinatorConfig.defaults().withTimeouts(30_000, TILE_TIMEOUT_MS), ms, w);
        Tensor in = Tensor.random(3, -1, 1, 96, 96, 3);
        Tensor mono = java.runWhole(m, in);
        w.dead.add("b");
        for (int i = 0; i < 4; i++) w.busyOnce.add("a" + "r1/s0/t" + i);
        Outcome o = coordinator.infer("r1", m, in).get(30, TimeUnit.SECONDS);
        assertTrue(o.output().maxAbsDiff(mono) <= 1e-4 * mono.maxAbs());
        assertTrue(o.resends() >= 1, "some tile went elsewhere");
        ms.lost("b", "test");
        Outcome after = coordinator.infer("r2", m, in).get(30, TimeUnit.SECONDS);
        assertTrue(after.output().maxAbsDiff(mono) <= 1e-4 * mono.maxAbs());
        after.plan().stages().forEach(sp -> sp.assignments().forEach(a -> assertTrue(!a.device().equals("b"), "re-planned without the lost node")));
        assertEquals(0, coordinator.pendingTiles());
    }

    @Test
    void aRequestNobodyAnswersFailsWithATimeoutAndNoNodesFailsAtOnce() throws Exception {
        Model m = RandomGraphs.generate(3);
        Workers w = new Workers(m);
        w.dead.add("a");
        coordinator = new Coordinator(CoordinatorConfig.defaults().withTimeouts(800, 5_000), membership(m, "a"), w);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> coordinator.infer("r1", m, RandomGraphs.input(m, 1)).get(10, TimeUnit.SECONDS));
        assertEquals(ErrorCode.TIMEOUT, assertInstanceOf(InferenceFailure.class, e.getCause()).code());
        assertEquals(0, coordinator.pendingTiles());
        Coordinator empty = new Coordinator(CoordinatorConfig.defaults(), new Membership(60_000), w);
        ExecutionException e2 = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> empty.infer("r2", m, RandomGraphs.input(m, 1)).get(10, TimeUnit.SECONDS));
        assertEquals(ErrorCode.NO_NODES, assertInstanceOf(InferenceFailure.class, e2.getCause()).code());
        empty.close();
    }
}
