package io.edgefuse.node.internal;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.node.ModelStore;
import io.edgefuse.protocol.DType;
import io.edgefuse.protocol.ErrorCode;
import io.edgefuse.protocol.ProtocolException;
import io.edgefuse.protocol.ResultFrame;
import io.edgefuse.protocol.TaskFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tile tasks on a fixed pool of {@code workers} threads behind a queue of {@code queueCapacity}.
 * Admission is decided on the caller's thread from the frame header alone, so the event loop never
 * blocks and memory stays bounded at queueCapacity + workers payloads: a full queue is answered BUSY at
 * once. {@link #submit} never throws and its future always completes: with a result frame (the tile or
 * an error), or with null for a payload so broken that no request/task id could be read (logged).
 * Results are float32 on the wire whatever the task's dtype, so a tile is exactly what the executor
 * computed.
 */
public final class TaskRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
    /** Weight of the newest task in the throughput average; ~5 tasks of memory smooths tile-size noise. */
    private static final double EWMA_ALPHA = 0.2;

    private final String nodeId;
    private final Executor executor;
    private final ModelStore store;
    private final int workers;
    private final int queueCapacity;
    private final ThreadPoolExecutor pool;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong busyNanos = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private double throughputGflops;

    /** A point-in-time view for heartbeats; load is derived from busyNanos between two snapshots. */
    public record Stats(int queueDepth, int active, long completed, long busyNanos, double throughputGflops, int workers) {}

    public TaskRunner(String nodeId, Executor executor, ModelStore store, int workers, int queueCapacity) {
        this.nodeId = nodeId;
        this.executor = executor;
        this.store = store;
        this.workers = workers;
        this.queueCapacity = queueCapacity;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity), r -> {
            Thread t = new Thread(r, "edgefuse-node-" + nodeId + "-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    public CompletableFuture<byte[]> submit(byte[] payload) {
        try {
            HeaderPeek h = HeaderPeek.of(payload);
            if (!h.addressable()) {
                LOG.warn("node {}: dropped a task message of {} bytes: its request and task ids cannot be read", nodeId, payload == null ? 0 : payload.length);
                return CompletableFuture.completedFuture(null);
            }
            Job job = new Job(payload, h);
            try {
                pool.execute(job);
            } catch (RejectedExecutionException e) {
                String why = pool.isShutdown() ? "node is shutting down" : "queue full (" + queueCapacity + " waiting, " + workers + " running)";
                job.result.complete(failed(h, ErrorCode.BUSY, why));
            }
            return job.result;
        } catch (Throwable e) {
            LOG.error("node {}: could not admit a task", nodeId, e);
            return CompletableFuture.completedFuture(null);
        }
    }

    private final class Job implements Runnable {
        final byte[] payload;
        final HeaderPeek header;
        final CompletableFuture<byte[]> result = new CompletableFuture<>();

        Job(byte[] payload, HeaderPeek header) {
            this.payload = payload;
            this.header = header;
        }

        @Override
        public void run() {
            try {
                result.complete(compute(payload, header));
            } catch (Throwable e) {
                // Errors too (OOM on a huge tile): the worker survives and the coordinator hears why.
                LOG.error("node {}: task {}/{} failed", nodeId, header.request(), header.task(), e);
                result.complete(failedQuietly(header, ErrorCode.INTERNAL, e.toString()));
            }
        }
    }

    private byte[] compute(byte[] payload, HeaderPeek h) {
        long now = System.currentTimeMillis();
        if (h.expired(now)) {
            return failed(h, ErrorCode.TIMEOUT, "deadline passed " + (now - h.deadlineEpochMs()) + " ms before the task was dequeued; not computed");
        }
        long tDecode = System.nanoTime();
        TaskFrame t;
        TileJob job;
        try {
            t = TaskFrame.decode(payload);
            Model m = store.find(t.model(), t.modelVersion()).orElse(null);
            if (m == null) return failed(h, ErrorCode.UNKNOWN_MODEL, unknownModel(t));
            job = TileJob.of(m, t);
        } catch (ProtocolException e) {
            return failed(h, e.code(), e.getMessage());
        }
        Tensor out;
        long t0 = System.nanoTime();
        active.incrementAndGet();
        try {
            out = executor.run(job.model(), job.stage(), job.input(), job.out());
        } catch (ModelException e) {
            return failed(h, ErrorCode.WRONG_SHAPE, executor.name() + " executor: " + e.getMessage());
        } finally {
            busyNanos.addAndGet(System.nanoTime() - t0);
            active.decrementAndGet();
        }
        long t1 = System.nanoTime();
        double ms = (t1 - t0) / 1e6;
        record(job.flops(), ms);
        byte[] frame = ResultFrame.ok(t, nodeId, ms, out).encode(DType.FLOAT32);
        if (LOG.isDebugEnabled()) {
            // Where a task's time goes besides the executor (the emulated cluster's per-task overhead, docs/testbed.md).
            LOG.debug("node {}: task {} ({} B in, {} B out): decode+check {} ms, run {} ms, encode {} ms", nodeId, h.task(), payload.length, frame.length,
                    String.format("%.1f", (t0 - tDecode) / 1e6), String.format("%.1f", ms), String.format("%.1f", (System.nanoTime() - t1) / 1e6));
        }
        return frame;
    }

    private String unknownModel(TaskFrame t) {
        try {
            store.get(t.model(), t.modelVersion());
            return "model " + t.model() + "@" + t.modelVersion() + " was unloaded";
        } catch (ModelException e) {
            return e.getMessage();
        }
    }

    private synchronized void record(double flops, double ms) {
        completed.incrementAndGet();
        if (!(ms > 0) || !(flops > 0)) return;
        double g = flops / (ms * 1e6);
        throughputGflops = throughputGflops == 0 ? g : EWMA_ALPHA * g + (1 - EWMA_ALPHA) * throughputGflops;
    }

    private byte[] failed(HeaderPeek h, ErrorCode code, String message) {
        LOG.debug("node {}: task {}/{} -> {}: {}", nodeId, h.request(), h.task(), code, message);
        return ResultFrame.failed(h.request(), h.task(), nodeId, code, message).encode(DType.FLOAT32);
    }

    private byte[] failedQuietly(HeaderPeek h, ErrorCode code, String message) {
        try {
            return failed(h, code, message);
        } catch (Throwable e) {
            return null;
        }
    }

    public synchronized Stats stats() {
        return new Stats(pool.getQueue().size(), active.get(), completed.get(), busyNanos.get(), throughputGflops, workers);
    }

    /**
     * Stops taking tasks; tasks still queued complete with null (nobody could receive their answers),
     * running ones get 10 s to finish before they are interrupted.
     */
    @Override
    public void close() {
        pool.shutdown();
        List<Runnable> queued = new ArrayList<>();
        pool.getQueue().drainTo(queued);
        for (Runnable r : queued) {
            if (r instanceof Job j) j.result.complete(null);
        }
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("node {}: a task was still computing 10 s after shutdown; interrupting it", nodeId);
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
