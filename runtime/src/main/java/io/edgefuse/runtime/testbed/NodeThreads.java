package io.edgefuse.runtime.testbed;

import io.edgefuse.engine.tf.TfThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts each thread of a node's JVM into the node's compute or io group ({@link CpuCgroups.Part}) by its
 * name: TensorFlow's kernel threads are named {@value TfThreads#COMPUTE} (the node opens TensorFlow's
 * pools from a thread of that name, {@link TfThreads}), every other thread is Java work. A new thread
 * starts in its creator's group, so threads created later (a task worker created by the event loop, a
 * pool thread TensorFlow might add) are placed by running this again: after warm-up and every
 * {@link #PERIOD_MS} ms while a benchmark runs ({@link Keeper}).
 */
public final class NodeThreads {
    public static final long PERIOD_MS = 2_000;

    private NodeThreads() {}

    /** The group part a thread of this name (its /proc comm) belongs to. */
    public static CpuCgroups.Part partOf(String comm) {
        return TfThreads.COMPUTE.equals(comm.strip()) ? CpuCgroups.Part.COMPUTE : CpuCgroups.Part.IO;
    }

    /** Thread id to name (comm) of a process's threads, read from {@code proc}/PID/task (empty when the process is gone). */
    static Map<Long, String> threads(Path proc, long pid) {
        Map<Long, String> m = new TreeMap<>();
        try (var s = Files.list(proc.resolve(String.valueOf(pid)).resolve("task"))) {
            for (Path t : (Iterable<Path>) s::iterator) {
                try {
                    m.put(Long.parseLong(t.getFileName().toString()), Files.readString(t.resolve("comm")).strip());
                } catch (IOException | NumberFormatException e) {
                    // the thread exited while we listed it
                }
            }
        } catch (IOException e) {
            // the process exited
        }
        return m;
    }

    /** The thread's group in the cpu controller's hierarchy (v1 line "N:cpu,...:/path"), or null when unknown. */
    static String cpuGroup(Path proc, long pid, long tid) {
        try {
            for (String line : Files.readAllLines(proc.resolve(String.valueOf(pid)).resolve("task").resolve(String.valueOf(tid)).resolve("cgroup"))) {
                String[] f = line.split(":", 3);
                if (f.length == 3 && java.util.Arrays.asList(f[1].split(",")).contains("cpu")) return f[2];
            }
        } catch (IOException e) {
            // the thread exited
        }
        return null;
    }

    /** How a node's threads are placed now. */
    public record Split(int compute, int io, int moved) {
        @Override
        public String toString() {
            return compute + " compute thread(s), " + io + " other" + (moved > 0 ? " (" + moved + " moved)" : "");
        }
    }

    /**
     * Moves every thread of {@code pid} that is not in its part's group there (per-thread, through the
     * group's tasks file). {@code proc} is /proc as seen from here. With one group per node (cgroup v2
     * here) nothing is moved.
     */
    public static Split apply(CpuCgroups cgroups, Path proc, String node, long pid) {
        int compute = 0, io = 0, moved = 0;
        for (Map.Entry<Long, String> t : threads(proc, pid).entrySet()) {
            CpuCgroups.Part part = partOf(t.getValue());
            if (part == CpuCgroups.Part.COMPUTE) compute++;
            else io++;
            if (!cgroups.splitsThreads()) continue;
            String want = cgroups.group(node, part);
            String now = cpuGroup(proc, pid, t.getKey());
            if (now != null && now.endsWith("/" + CpuCgroups.PARENT + "/" + want)) continue;
            try {
                Files.writeString(cgroups.tasksFile(want), String.valueOf(t.getKey()));
                moved++;
            } catch (NoSuchFileException e) {
                throw new TestbedException("cgroup " + cgroups.dir(want) + " does not exist");
            } catch (IOException e) {
                // ESRCH: the thread exited between listing and moving
                if (Files.exists(proc.resolve(String.valueOf(pid)).resolve("task").resolve(String.valueOf(t.getKey())))) {
                    throw new TestbedException("cannot move thread " + t.getKey() + " of " + node + " to " + cgroups.dir(want) + ": " + e.getMessage(), e);
                }
            }
        }
        return new Split(compute, io, moved);
    }

    /** Every live node of the state, placed once; a line per node for the log. */
    public static String applyAll(CpuCgroups cgroups, TestbedState st) {
        StringBuilder b = new StringBuilder();
        for (TestbedState.NodeEntry n : st.nodes) {
            if (n.proc() == null || !Processes.alive(n.proc().pid(), n.proc().startTime())) continue;
            Split s = apply(cgroups, Path.of("/proc"), n.id(), n.proc().pid());
            if (b.length() > 0) b.append(", ");
            b.append(n.id()).append(": ").append(s);
        }
        return b.toString();
    }

    /** Re-places the nodes' threads every {@link #PERIOD_MS} ms on a daemon thread until closed. */
    public static final class Keeper implements AutoCloseable {
        private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "testbed-thread-split");
            t.setDaemon(true);
            return t;
        });

        public Keeper(CpuCgroups cgroups, TestbedState st, java.io.PrintWriter log) {
            timer.scheduleWithFixedDelay(() -> {
                try {
                    applyAll(cgroups, st);
                } catch (RuntimeException e) {
                    log.println("placing the nodes' threads in their cgroups failed: " + e.getMessage());
                    log.flush();
                }
            }, PERIOD_MS, PERIOD_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
