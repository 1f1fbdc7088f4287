package io.edgefuse.engine.tf.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Bounded LRU of compiled graphs. A graph is built once per key even when several threads ask for it
 * at the same time; evicted graphs close once their running users release them.
 */
public final class GraphCache<K> implements AutoCloseable {
    private final int capacity;
    private final LinkedHashMap<K, CompletableFuture<CompiledGraph>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    public GraphCache(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("cache capacity must be >= 1, got " + capacity);
        this.capacity = capacity;
    }

    /** Runs {@code work} on the graph for {@code key}, building it first if needed. */
    public <R> R with(K key, Supplier<CompiledGraph> builder, Function<CompiledGraph, R> work) {
        CompiledGraph g = acquire(key, builder);
        try {
            return work.apply(g);
        } finally {
            g.release();
        }
    }

    private CompiledGraph acquire(K key, Supplier<CompiledGraph> builder) {
        while (true) {
            CompletableFuture<CompiledGraph> f;
            boolean mine = false;
            List<CompletableFuture<CompiledGraph>> evicted = new ArrayList<>();
            synchronized (this) {
                if (closed) throw new IllegalStateException("the executor is closed");
                f = entries.get(key);
                if (f == null) {
                    f = new CompletableFuture<>();
                    entries.put(key, f);
                    mine = true;
                    Iterator<Map.Entry<K, CompletableFuture<CompiledGraph>>> it = entries.entrySet().iterator();
                    while (entries.size() > capacity && it.hasNext()) {
                        Map.Entry<K, CompletableFuture<CompiledGraph>> e = it.next();
                        if (e.getValue() == f) continue;
                        evicted.add(e.getValue());
                        it.remove();
                    }
                }
            }
            evicted.forEach(GraphCache::retireWhenBuilt);
            if (mine) build(key, f, builder);
            CompiledGraph g;
            try {
                g = f.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw e;
            }
            // Evicted (and closed) between lookup and use: look it up again.
            if (g.acquire()) return g;
        }
    }

    private void build(K key, CompletableFuture<CompiledGraph> f, Supplier<CompiledGraph> builder) {
        try {
            f.complete(builder.get());
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                entries.remove(key, f);
            }
            f.completeExceptionally(e);
            throw e;
        }
    }

    /** Graphs evicted or dropped while still being built are retired when their build completes. */
    private static void retireWhenBuilt(CompletableFuture<CompiledGraph> f) {
        f.thenAccept(CompiledGraph::retire);
    }

    public synchronized int size() {
        return entries.size();
    }

    @Override
    public void close() {
        List<CompletableFuture<CompiledGraph>> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(entries.values());
            entries.clear();
        }
        all.forEach(GraphCache::retireWhenBuilt);
    }
}
