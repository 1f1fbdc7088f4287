package io.edgefuse.node.internal;

import io.edgefuse.model.exec.CapacityProbe.Capacity;
import io.edgefuse.node.ModelStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.ObjectName;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JSON a node publishes about itself. Field names are the coordinator's contract (see
 * io.edgefuse.allocator.coordinator.Membership): status {online, seq, engine, arch, cores, memoryBytes,
 * models[{name, version}], capacity{gflops{conv, depthwise, pool, dense, elementwise}, layerOverheadMs}}
 * and heartbeat {seq, load, queueDepth, throughputGflops, freeMemoryBytes, models, ts}. One sequence
 * counter serves both, so a reader can order everything a node said.
 */
public final class StatusMessages {
    private final String engine;
    private final Capacity capacity;
    private final boolean measured;
    private final ModelStore store;
    private final java.util.function.Supplier<Map<String, String>> bundles;
    private final AtomicLong seq = new AtomicLong();
    private final int taskSlots;

    /**
     * bundles: symbolic name -> version of the bundles around the node (empty outside OSGi); taskSlots:
     * tiles the node holds at once (workers + queue), so a coordinator sends no more.
     */
    public StatusMessages(String engine, Capacity capacity, boolean measured, ModelStore store, java.util.function.Supplier<Map<String, String>> bundles,
                          int taskSlots) {
        this.bundles = bundles;
        this.taskSlots = taskSlots;
        this.engine = engine;
        this.capacity = capacity;
        this.measured = measured;
        this.store = store;
    }

    public Buffer status(boolean online) {
        JsonObject gflops = new JsonObject();
        for (Map.Entry<String, Double> e : capacity.gflops().entrySet()) gflops.put(e.getKey(), e.getValue());
        JsonObject s = new JsonObject()
                .put("online", online)
                .put("seq", seq.incrementAndGet())
                .put("engine", engine)
                .put("arch", System.getProperty("os.arch"))
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("memoryBytes", physicalMemoryBytes())
                .put("pid", ProcessHandle.current().pid())
                .put("models", models())
                .put("bundles", bundles())
                .put("taskSlots", taskSlots)
                .put("capacity", new JsonObject().put("gflops", gflops).put("layerOverheadMs", capacity.layerOverheadMs()).put("taskOverheadMs", capacity.taskOverheadMs()).put("measured", measured))
                .put("ts", System.currentTimeMillis());
        return s.toBuffer();
    }

    public Buffer heartbeat(double load, TaskRunner.Stats stats) {
        return new JsonObject()
                .put("seq", seq.incrementAndGet())
                .put("load", load)
                .put("queueDepth", stats.queueDepth())
                .put("throughputGflops", stats.throughputGflops())
                .put("freeMemoryBytes", freeHeapBytes())
                .put("models", models())
                .put("bundles", bundles())
                .put("ts", System.currentTimeMillis())
                .toBuffer();
    }

    private JsonArray bundles() {
        JsonArray a = new JsonArray();
        try {
            new java.util.TreeMap<>(bundles.get()).forEach((n, v) -> a.add(new JsonObject().put("name", n).put("version", v)));
        } catch (RuntimeException e) {
            // the framework is shutting down under us: report none rather than fail the status
        }
        return a;
    }

    private JsonArray models() {
        JsonArray a = new JsonArray();
        for (ModelStore.ModelRef r : store.list()) a.add(new JsonObject().put("name", r.name()).put("version", r.version()).put("active", store.isActive(r)));
        return a;
    }

    /** The device's RAM (what the planner sizes tiles against); the JVM's max heap where the OS will not say. */
    static long physicalMemoryBytes() {
        // Read as an MBean attribute rather than through com.sun.management, which an OSGi framework need not export.
        try {
            Object v = ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName("java.lang:type=OperatingSystem"), "TotalMemorySize");
            if (v instanceof Number n && n.longValue() > 0) return n.longValue();
        } catch (Exception | LinkageError e) {
            // not every JVM has the attribute
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** Heap headroom: tensors of queued and running tiles live on the heap, so this is what bounds new work. */
    static long freeHeapBytes() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }
}
