package io.edgefuse.node;

import io.edgefuse.engine.tf.TfExecutor;
import io.edgefuse.engine.tf.WeightPolicy;
import io.edgefuse.model.exec.CapacityProbe;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.exec.JavaExecutor;
import org.slf4j.LoggerFactory;

/** Entry point for the CLI ({@code edgefuse node ...}) and the DS component: config in, running node out. */
public final class NodeMain {
    private NodeMain() {}

    /**
     * Creates the configured executor, loads the configured models (failing fast, with the model's name,
     * when one cannot be loaded), and starts the node.
     */
    public static EdgeNode start(NodeConfig config) {
        return start(config, EdgeNode.Host.PLAIN_JVM);
    }

    /** As {@link #start(NodeConfig)}, inside a host (an OSGi framework) that reports and may install bundles. */
    public static EdgeNode start(NodeConfig config, EdgeNode.Host host) {
        Executor executor = executor(config);
        try {
            ModelStore store = new ModelStore();
            for (String m : config.models()) {
                try {
                    store.load(m);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("node " + config.nodeId() + ": cannot load model '" + m + "': " + e.getMessage(), e);
                }
            }
            CapacityProbe.Capacity measured = null;
            if (config.holdUntil() != null) {
                // The probe runs every conv layer of the model as a graph of its own (23 for YOLOv2): on an
                // executor of its own, so that a small graph cache neither rebuilds them on every pass nor
                // loses the plan's graphs to them. Its first pass runs before the hold, at full speed.
                try (Executor probe = probeExecutor(config, executor)) {
                    warmUp(config, probe, store);
                    measured = holdUntil(config, probe, store);
                    if (measured == null && config.probe() && config.probeReference() != null) {
                        measured = CapacityProbe.relativeTo(probe, EdgeNode.reference(config), EdgeNode.probeModel(store));
                    }
                }
            }
            return EdgeNode.start(config, executor, store, host, measured);
        } catch (RuntimeException e) {
            executor.close();
            throw e;
        }
    }

    /**
     * Runs the capacity probe once, unmeasured, while the node still has the whole CPU: the probe's own
     * session set-up, TensorFlow's kernels and the JIT's compilation of the run path are first-use work
     * that would otherwise land, at a few percent of a core, inside the measurement after the hold.
     */
    private static void warmUp(NodeConfig config, Executor executor, ModelStore store) {
        if (!config.probe()) return;
        if (config.probeReference() != null) CapacityProbe.relativeTo(executor, EdgeNode.reference(config), EdgeNode.probeModel(store));
        else CapacityProbe.measure(executor);
    }

    /** A tf executor like the node's with room for every probe graph; the java executor keeps no graphs. */
    private static Executor probeExecutor(NodeConfig config, Executor nodeExecutor) {
        if (!(nodeExecutor instanceof TfExecutor)) return new JavaExecutor();
        return new TfExecutor(config.threads() == 0 ? Runtime.getRuntime().availableProcessors() : config.threads(), 1, PROBE_GRAPH_CACHE);
    }

    /** Graphs the probe executor keeps: the synthetic chains plus one per conv layer of the largest zoo model. */
    private static final int PROBE_GRAPH_CACHE = 64;

    /**
     * Waits, models loaded, until the hold file exists. An emulated cluster starts its nodes at full speed
     * (loading a model under a Pi-sized CPU quota takes minutes), then sets the quotas and creates the
     * file, so the capacity probe and everything after it run at the emulated speed. Meanwhile it may
     * ask for probe runs to calibrate the quota in a closed loop ({@link HoldProbeFiles}). Returns the
     * last probe run here (the emulated cluster does not change the quota after it), or null when none
     * was asked for.
     */
    private static CapacityProbe.Capacity holdUntil(NodeConfig config, Executor probe, ModelStore store) {
        java.nio.file.Path go = java.nio.file.Path.of(config.holdUntil());
        System.out.println("node " + config.nodeId() + " holding until " + go + " exists");
        System.out.flush();
        CapacityProbe.Capacity last = null;
        String handled = "";
        while (!java.nio.file.Files.exists(go)) {
            String request = HoldProbeFiles.standingRequest(go, config.nodeId());
            if (!request.isEmpty() && !request.equals(handled)) {
                if (!config.probe() || config.probeReference() == null) {
                    throw new IllegalStateException("node " + config.nodeId() + ": a probe was asked for while holding, but the node has no --probe-reference");
                }
                last = CapacityProbe.relativeTo(probe, EdgeNode.reference(config), EdgeNode.probeModel(store));
                handled = request;
                try {
                    HoldProbeFiles.reply(go, config.nodeId(), request, last.gflops().get("conv"));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("node " + config.nodeId() + ": cannot answer probe " + request + ": " + e.getMessage(), e);
                }
                System.out.printf("node %s probe %s: conv %.2f GFLOP/s%n", config.nodeId(), request, last.gflops().get("conv"));
                System.out.flush();
                continue;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("node " + config.nodeId() + ": interrupted while holding", e);
            }
        }
        return last;
    }

    /**
     * "tf": TensorFlow with {@code threads} intra-op threads (0 = all cores) and one inter-op thread, its
     * pools' threads named {@link io.edgefuse.engine.tf.TfThreads#COMPUTE}; "java": the reference executor.
     */
    public static Executor executor(NodeConfig config) {
        return switch (config.executor()) {
            case "tf" -> {
                TfExecutor tf = new TfExecutor(config.threads() == 0 ? Runtime.getRuntime().availableProcessors() : config.threads(), 1, config.graphCache());
                // Before any other session: TensorFlow's kernels then run on threads of a known name, apart
                // from the Java threads that decode and encode frames (the emulated cluster throttles each).
                tf.startThreadPools();
                LoggerFactory.getLogger(NodeMain.class).info("tf executor: {} weight binding ({}={}), graph cache {}", tf.weightPolicy(),
                        WeightPolicy.ONEDNN_ENV, System.getenv(WeightPolicy.ONEDNN_ENV), config.graphCache());
                yield tf;
            }
            case "java" -> new JavaExecutor();
            default -> throw new IllegalArgumentException("unknown executor '" + config.executor() + "'");
        };
    }
}
