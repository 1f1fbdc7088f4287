package io.edgefuse.allocator.coordinator;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cost.CostModel;
import io.edgefuse.allocator.cost.TileCost;
import io.edgefuse.allocator.planner.Planners;
import io.edgefuse.model.Model;
import io.edgefuse.model.plan.Assignment;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.plan.StagePlan;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.region.StageGeometry;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.protocol.ErrorCode;
import io.edgefuse.protocol.ProtocolException;
import io.edgefuse.protocol.ResultFrame;
import io.edgefuse.protocol.TaskFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs requests over the cluster: plans with the configured planner for the nodes that hold the model
 * version (re-planning when membership changes), scatters each stage's tiles with their halos, gathers
 * the results, and moves on stage by stage. A tile whose node fails, answers with an error, or misses
 * its deadline is re-sent to another node; a request past its deadline fails with an error. All state
 * lives on one event thread, so no request can corrupt another; tensors are cut and pasted there too.
 */
public final class Coordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

    private final CoordinatorConfig config;
    private final Membership membership;
    private final TaskTransport transport;
    private final ScheduledExecutorService loop;
    private final Map<String, Run> runs = new HashMap<>();
    private final Map<String, Pending> pending = new HashMap<>();
    private final Map<String, CachedPlan> plans = new HashMap<>();
    private final NodeWindows<Pending> windows = new NodeWindows<>();

    private record CachedPlan(long epoch, Plan plan, Cluster cluster, CostModel cost) {}

    private final class Run {
        final String id;
        final Model model;
        final CachedPlan plan;
        final CompletableFuture<Outcome> future = new CompletableFuture<>();
        final long startNanos = System.nanoTime();
        ScheduledFuture<?> deadline;
        int stage = -1, remaining, resends;
        Tensor current, output;

        Run(String id, Model model, CachedPlan plan, Tensor input) {
            this.id = id;
            this.model = model;
            this.plan = plan;
            this.current = input;
        }
    }

    private static final class Pending {
        final Run run;
        final int stage;
        final String task;
        final Region region;
        final byte[] frame;
        final double predictedComputeMs, predictedTotalMs;
        String node;
        boolean onWire;
        /** Sent to a node with nothing else of ours outstanding: its round trip has no queue wait in it (a message-path sample). */
        boolean alone;
        int attempts = 1;
        long sentNanos;
        ScheduledFuture<?> timeout;

        Pending(Run run, int stage, String task, Region region, byte[] frame, double predictedComputeMs, double predictedTotalMs) {
            this.run = run;
            this.stage = stage;
            this.task = task;
            this.region = region;
            this.frame = frame;
            this.predictedComputeMs = predictedComputeMs;
            this.predictedTotalMs = predictedTotalMs;
        }
    }

    public Coordinator(CoordinatorConfig config, Membership membership, TaskTransport transport) {
        this.config = config;
        this.membership = membership;
        this.transport = transport;
        Planners.get(config.planner());
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "edgefuse-coordinator");
            t.setDaemon(true);
            return t;
        });
        membership.onLost(node -> loop.execute(() -> nodeLost(node)));
        loop.scheduleAtFixedRate(() -> membership.expire(System.currentTimeMillis()), 500, 500, TimeUnit.MILLISECONDS);
    }

    public CompletableFuture<Outcome> infer(String requestId, Model model, Tensor input) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                if (runs.containsKey(requestId)) throw new InferenceFailure(ErrorCode.BAD_REQUEST, "request id '" + requestId + "' is already in flight");
                Run r = new Run(requestId, model, plan(model), input);
                r.future.whenComplete((o, e) -> {
                    if (e != null) f.completeExceptionally(e);
                    else f.complete(o);
                });
                runs.put(requestId, r);
                r.deadline = loop.schedule(() -> fail(r, new InferenceFailure(ErrorCode.TIMEOUT, "request took longer than " + config.requestTimeoutMs() + " ms")),
                        config.requestTimeoutMs(), TimeUnit.MILLISECONDS);
                nextStage(r);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** A result frame from any node; malformed ones are logged and dropped (their tile will time out). */
    public void onResult(byte[] payload) {
        ResultFrame r;
        try {
            r = ResultFrame.decode(payload);
        } catch (ProtocolException e) {
            LOG.warn("dropped a malformed result frame: {}", e.getMessage());
            return;
        }
        try {
            int bytes = payload.length;
            loop.execute(() -> handle(r, bytes));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Results still on the wire when the coordinator shuts down have nobody left to answer.
            LOG.debug("dropped result {} of request {}: coordinator closed", r.task(), r.request());
        }
    }

    /** The plan the next request for this model will use (planning it now if needed). */
    public Plan currentPlan(Model m) {
        try {
            return loop.submit(() -> plan(m).plan()).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How many tiles are out at the moment (for tests and metrics). */
    public int pendingTiles() {
        try {
            return loop.submit(pending::size).get();
        } catch (Exception e) {
            return -1;
        }
    }

    private CachedPlan plan(Model m) {
        String key = m.name() + "@" + m.version();
        CachedPlan c = plans.get(key);
        long epoch = membership.epoch();
        if (c != null && c.epoch() == epoch) return c;
        Cluster cluster = membership.cluster(m.name(), m.version(), config.link());
        if (cluster == null) throw new InferenceFailure(ErrorCode.NO_NODES, "no online node holds model " + m.name() + " version " + m.version().substring(0, 12));
        CostModel cost = new CostModel(m);
        Plan p = Planners.get(config.planner()).plan(cost, cluster).validate(m);
        c = new CachedPlan(epoch, p, cluster, cost);
        plans.put(key, c);
        LOG.info("planned {} over {} nodes ({}): {} stages, predicted {} ms", m.name(), cluster.size(), cluster.describe(), p.stageCount(),
                String.format("%.1f", cost.plan(p, cluster).latencyMs()));
        return c;
    }

    private void nextStage(Run r) {
        if (r.stage >= 0) r.current = r.output;
        r.stage++;
        if (r.stage == r.plan.plan().stageCount()) {
            finish(r);
            return;
        }
        StagePlan sp = r.plan.plan().stages().get(r.stage);
        Stage s = sp.stage();
        r.output = s.tileable() ? Tensor.zeros(r.model.shape(s.last())) : null;
        r.remaining = sp.assignments().size();
        long deadline = System.currentTimeMillis() + config.requestTimeoutMs();
        RegionTensor whole = RegionTensor.whole(r.current);
        for (int t = 0; t < sp.assignments().size(); t++) {
            Assignment a = sp.assignments().get(t);
            Region out = s.tileable() ? (a.region() == null ? Region.full(r.model.shape(s.last())) : a.region()) : null;
            Region in = out == null ? null : StageGeometry.of(r.model, s, out).inputRegion();
            Tensor tileIn = in == null ? r.current : whole.crop(in);
            String task = r.id + "/s" + r.stage + "/t" + t;
            byte[] frame = new TaskFrame(r.id, task, r.model.name(), r.model.version(), s.first(), s.last(), in, out, deadline, tileIn).encode(config.dtype());
            ClusterNode node = r.plan.cluster().node(a.device());
            TileCost tc = r.plan.cost().tile(s, out, node);
            double total = CostModel.aloneSeconds(tc, node) * 1000;
            Pending p = new Pending(r, r.stage, task, out, frame, tc.computeSeconds() * 1000, total);
            pending.put(task, p);
            send(p, a.device());
        }
    }

    /** Sends the tile to the node now, or once the node has room for it (see {@link NodeWindows}). */
    private void send(Pending p, String node) {
        p.node = node;
        if (!windows.admit(node, membership.taskSlots(node), p)) {
            LOG.debug("tile {} waits for room on {} ({} of its {} slots taken)", p.task, node, windows.outstanding(node), membership.taskSlots(node));
            return;
        }
        transmit(p, node);
    }

    private void transmit(Pending p, String node) {
        p.onWire = true;
        p.alone = windows.outstanding(node) == 1;
        p.sentNanos = System.nanoTime();
        long timeout = Math.max(config.minTaskTimeoutMs(), (long) (config.taskTimeoutFactor() * p.predictedTotalMs));
        p.timeout = loop.schedule(() -> {
            if (pending.get(p.task) == p) retry(p, "no result from " + p.node + " within " + timeout + " ms");
        }, timeout, TimeUnit.MILLISECONDS);
        try {
            transport.send(node, p.frame);
        } catch (Exception e) {
            retry(p, "cannot send to " + node + ": " + e.getMessage());
        }
    }

    private void handle(ResultFrame r, int resultBytes) {
        Pending p = pending.get(r.task());
        if (p == null) {
            LOG.debug("late or duplicate result for {} from {}", r.task(), r.node());
            return;
        }
        if (r.isError()) {
            retry(p, r.node() + " answered " + r.error().wire() + ": " + r.errorMessage());
            return;
        }
        Run run = p.run;
        StagePlan sp = run.plan.plan().stages().get(p.stage);
        int[] expected = p.region == null ? run.model.shape(sp.stage().last()).dims()
                : new int[] {p.region.height(), p.region.width(), run.model.shape(sp.stage().last()).c()};
        if (!Arrays.equals(expected, r.output().shape())) {
            retry(p, r.node() + " returned shape " + Arrays.toString(r.output().shape()) + ", expected " + Arrays.toString(expected));
            return;
        }
        pending.remove(p.task);
        p.timeout.cancel(false);
        leave(p);
        membership.observe(r.node(), p.predictedComputeMs, r.computeMs());
        double roundTripMs = (System.nanoTime() - p.sentNanos) / 1e6;
        if (p.alone && r.node().equals(p.node)) {
            // What the round trip took beyond the node's compute and the link both ways: the node's message
            // path (and the broker's hops), learned per node (docs/planner.md, "Message path").
            double linkMs = (config.link().seconds(p.frame.length) + config.link().seconds(resultBytes)) * 1000;
            membership.observeMessage(r.node(), (p.frame.length + (double) resultBytes) / 1e6, roundTripMs - r.computeMs() - linkMs);
        }
        if (LOG.isDebugEnabled()) {
            // Predicted against measured, per tile: where a plan's time goes (docs/testbed.md reads these).
            LOG.debug("tile {} on {}: round trip {} ms (predicted {}), node compute {} ms (predicted {})", p.task, r.node(),
                    String.format("%.0f", roundTripMs), String.format("%.0f", p.predictedTotalMs),
                    String.format("%.0f", r.computeMs()), String.format("%.0f", p.predictedComputeMs));
        }
        if (p.region == null) run.output = r.output();
        else RegionTensor.paste(run.output, p.region, r.output());
        if (--run.remaining == 0) nextStage(run);
    }

    private void retry(Pending p, String reason) {
        if (p.timeout != null) p.timeout.cancel(false);
        leave(p);
        Run run = p.run;
        if (run.future.isDone()) {
            pending.remove(p.task);
            return;
        }
        if (p.attempts >= config.maxAttempts()) {
            fail(run, new InferenceFailure(ErrorCode.INTERNAL, "tile " + p.task + " failed " + p.attempts + " times; last: " + reason));
            return;
        }
        String next = pickNode(run, p.node);
        if (next == null) {
            fail(run, new InferenceFailure(ErrorCode.NO_NODES, "no node left to run " + p.task + " (" + reason + ")"));
            return;
        }
        p.attempts++;
        run.resends++;
        LOG.info("re-sending {} to {}: {}", p.task, next, reason);
        send(p, next);
    }

    /** An online node with the model version: fewest tiles out, then fastest; the failed node only as a last resort. */
    private String pickNode(Run run, String failed) {
        Map<String, Integer> load = new HashMap<>();
        for (Pending q : pending.values()) load.merge(q.node, 1, Integer::sum);
        List<NodeInfo> candidates = new ArrayList<>();
        for (NodeInfo n : membership.online()) if (n.has(run.model.name(), run.model.version())) candidates.add(n);
        candidates.sort(Comparator.comparing((NodeInfo n) -> n.name().equals(failed))
                .thenComparing(n -> load.getOrDefault(n.name(), 0))
                .thenComparing(n -> -n.gflops().getOrDefault("conv", 0.0)));
        return candidates.isEmpty() ? null : candidates.get(0).name();
    }

    /**
     * The tile no longer occupies its node: frees its slot and sends the node's next waiting tile, or
     * takes it out of the node's waiting line if it was never sent.
     */
    private void leave(Pending p) {
        if (p.node == null) return;
        if (!p.onWire) {
            windows.withdraw(p.node, p);
            return;
        }
        p.onWire = false;
        windows.release(p.node);
        for (Pending q; (q = windows.next(p.node, membership.taskSlots(p.node))) != null;) {
            if (pending.get(q.task) == q && !q.run.future.isDone()) {
                transmit(q, p.node);
            } else {
                windows.release(p.node);
            }
        }
    }

    private void nodeLost(String node) {
        for (Pending p : new ArrayList<>(pending.values())) {
            if (node.equals(p.node)) retry(p, "node " + node + " was lost");
        }
    }

    private void finish(Run r) {
        runs.remove(r.id);
        r.deadline.cancel(false);
        double ms = (System.nanoTime() - r.startNanos) / 1e6;
        r.future.complete(new Outcome(r.id, r.current, r.model.name(), r.model.version(), ms, r.plan.plan(), r.resends));
    }

    private void fail(Run r, InferenceFailure e) {
        if (r.future.isDone()) return;
        runs.remove(r.id);
        if (r.deadline != null) r.deadline.cancel(false);
        List<Pending> mine = new ArrayList<>();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext();) {
            Pending p = it.next();
            if (p.run == r) {
                if (p.timeout != null) p.timeout.cancel(false);
                it.remove();
                mine.add(p);
            }
        }
        // After the loop: freeing a slot sends other requests' waiting tiles, which may fail and come back here.
        for (Pending p : mine) leave(p);
        LOG.warn("request {} failed: {}", r.id, e.getMessage());
        r.future.completeExceptionally(e);
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
