package io.edgefuse.runtime.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The emulated nodes' CPU cgroups, all under {@value #PARENT}, each with a CFS bandwidth quota: a group
 * may use {@code fraction} of one core per period. A node gets two groups (cgroup v1): {@code
 * <node>/compute} for TensorFlow's kernel threads, at the share that makes its convolutions as fast as
 * its profile, and {@code <node>/io} for every other thread of its JVM (Netty, MQTT decoding, frame and
 * tensor copies, GC, JIT), at the share of a host core that one core of the device is for scalar work
 * (docs/testbed.md). Threads are placed one by one through v1's per-thread {@code tasks} file
 * ({@link NodeThreads}). On cgroup v2 this falls back to one group per node with the compute share for
 * the whole process, as before the split (v2's threaded mode is not implemented: this project's hosts
 * have v1). cgroup v1 writes cpu.cfs_period_us and cpu.cfs_quota_us under the cpu controller's mount;
 * v2 writes cpu.max (after enabling the cpu controller for the subtree). The period is as short as the
 * kernel's 1 ms floor on the quota allows (never under 10 ms): a group that has used its quota waits for
 * the next period, and every such wait is latency a real device does not have.
 */
public abstract class CpuCgroups {
    public static final String PARENT = "edgefuse-testbed";
    /** CFS refuses quotas below 1 ms; periods from 10 ms up to 1 s (0.1% of a core). */
    public static final long MIN_QUOTA_US = 1_000, MIN_PERIOD_US = 10_000, MAX_PERIOD_US = 1_000_000;

    /** The two kinds of a node's threads. */
    public enum Part {
        /** TensorFlow's kernel threads ({@link io.edgefuse.engine.tf.TfThreads#COMPUTE}). */
        COMPUTE,
        /** Everything else in the node's JVM. */
        IO;

        public String dirName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    final Path root;

    CpuCgroups(Path root) {
        this.root = root;
    }

    /** The hierarchy this machine has: v2 if /sys/fs/cgroup is the unified hierarchy, else v1's cpu controller. */
    public static CpuCgroups detect() {
        return detect(Path.of("/sys/fs/cgroup"));
    }

    /**
     * As {@link #detect()} under another mount point of the cgroup file systems: inside a network
     * namespace entered with `ip netns exec` /sys is remounted without them, but a root process still
     * reaches them through /proc/PID/root of a process outside (see {@link NodeQuotas}).
     */
    public static CpuCgroups detect(Path sys) {
        if (Files.exists(sys.resolve("cgroup.controllers"))) return new V2(sys);
        for (String name : List.of("cpu", "cpu,cpuacct", "cpuacct,cpu")) {
            Path p = sys.resolve(name);
            if (Files.exists(p.resolve("cpu.cfs_quota_us"))) return new V1(p);
        }
        throw new TestbedException("no CPU cgroup controller found under /sys/fs/cgroup (need cgroup v1 cpu or v2 with cpu.max)");
    }

    public abstract String version();

    /** Whether a node's compute and io threads get groups of their own (v1), or share one (v2 here). */
    public abstract boolean splitsThreads();

    /** The group (a path under {@value #PARENT}) of one part of a node: "pi4-1/compute", or "pi4-1" when threads are not split. */
    public String group(String node, Part part) {
        return splitsThreads() ? node + "/" + part.dirName() : node;
    }

    /**
     * Creates a node's groups, unlimited (it loads its models at full speed first); its JVM starts in
     * the io group ({@link #procsFile} of {@code group(node, IO)}) and {@link NodeThreads} moves the
     * compute threads.
     */
    public void createNode(String node) {
        create(node);
        if (splitsThreads()) {
            for (Part p : Part.values()) create(group(node, p));
        }
        unlimitNode(node);
    }

    /** Sets both quotas of a node (with one group per node, the compute share for all of it). */
    public void setNodeQuotas(String node, double compute, double io) {
        setQuota(group(node, Part.COMPUTE), compute);
        if (splitsThreads()) setQuota(group(node, Part.IO), io);
    }

    public void unlimitNode(String node) {
        for (Part p : Part.values()) unlimit(group(node, p));
    }

    /** Creates (or keeps) a group, without changing its quota; returns its directory. */
    public final Path create(String group) {
        Path dir = dir(group);
        try {
            prepareParent();
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TestbedException("cannot create cgroup " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** No limit (used while a node loads its models, and for the hub). */
    public abstract void unlimit(String group);

    public abstract void setQuota(String group, double fraction);

    /** The group's share of a core as the kernel has it now (quota over period); -1 when unlimited. */
    public abstract double fraction(String group);

    /** The file a process writes its pid to in order to join the group (all its threads). */
    public Path procsFile(String group) {
        return dir(group).resolve("cgroup.procs");
    }

    /** The file a thread id is written to in order to move that one thread (v1). */
    public Path tasksFile(String group) {
        return dir(group).resolve("tasks");
    }

    public Path dir(String group) {
        return root.resolve(PARENT).resolve(group);
    }

    /** Pids with a thread in the group (empty if it does not exist). */
    public List<Long> pids(String group) {
        List<Long> l = new ArrayList<>();
        try {
            for (String s : Files.readAllLines(procsFile(group))) if (!s.isBlank()) l.add(Long.parseLong(s.trim()));
        } catch (IOException e) {
            // gone already
        }
        return l;
    }

    /** Removes one group (empty, without children of its own: {@link #existing()} lists children first). */
    public void remove(String group) {
        rmdir(dir(group));
    }

    /** Removes {@value #PARENT} itself if it exists (its groups removed first). */
    public void removeParent() {
        Path parent = root.resolve(PARENT);
        if (Files.isDirectory(parent)) rmdir(parent);
    }

    /**
     * Every group this tool created that still exists, as paths under {@value #PARENT}, children before
     * their parents ("pi4-1/compute", "pi4-1/io", "pi4-1", "hub"), so removing them in this order works.
     */
    public List<String> existing() {
        List<String> l = new ArrayList<>();
        Path parent = root.resolve(PARENT);
        if (Files.isDirectory(parent)) collect(parent, parent, l);
        return l;
    }

    private static void collect(Path parent, Path dir, List<String> out) {
        List<Path> children = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(Files::isDirectory).sorted().forEach(children::add);
        } catch (IOException e) {
            return; // gone
        }
        for (Path c : children) {
            collect(parent, c, out);
            out.add(parent.relativize(c).toString());
        }
    }

    public boolean parentExists() {
        return Files.isDirectory(root.resolve(PARENT));
    }

    void prepareParent() throws IOException {
        Files.createDirectories(root.resolve(PARENT));
        setPriority(root.resolve(PARENT));
    }

    /**
     * The testbed's parent group gets the highest CPU weight, so other load on the host cannot push a
     * node below its quota (the quota still caps it): emulated speed should not depend on what else runs.
     */
    abstract void setPriority(Path parent);

    private static void rmdir(Path dir) {
        if (!Files.exists(dir)) return;
        // A cgroup directory holds only kernel files: rmdir(2), never a recursive delete.
        for (int i = 0; i < 50; i++) {
            if (Processes.tryRun("rmdir", dir.toString())) return;
            Processes.sleep(100);
        }
        throw new TestbedException("cannot remove cgroup " + dir + " (processes still in it?)");
    }

    static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new TestbedException("cannot write '" + value + "' to " + file + ": " + e.getMessage(), e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new TestbedException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The shortest period in which {@code fraction} of a core is at least the kernel's minimum quota. */
    static long periodUs(double fraction) {
        if (!(fraction > 0)) throw new IllegalArgumentException("CPU fraction must be > 0, not " + fraction);
        return Math.min(MAX_PERIOD_US, Math.max(MIN_PERIOD_US, (long) Math.ceil(MIN_QUOTA_US / fraction)));
    }

    static long quotaUs(double fraction) {
        return Math.max(MIN_QUOTA_US, Math.round(fraction * periodUs(fraction)));
    }

    static final class V1 extends CpuCgroups {
        V1(Path root) {
            super(root);
        }

        @Override
        public String version() {
            return "v1 (" + root + ")";
        }

        @Override
        public boolean splitsThreads() {
            return true;
        }

        @Override
        public void setQuota(String group, double fraction) {
            // Quota first to -1: lowering the period under a set quota could exceed the parent's bandwidth.
            write(dir(group).resolve("cpu.cfs_quota_us"), "-1");
            write(dir(group).resolve("cpu.cfs_period_us"), String.valueOf(periodUs(fraction)));
            write(dir(group).resolve("cpu.cfs_quota_us"), String.valueOf(quotaUs(fraction)));
        }

        @Override
        public void unlimit(String group) {
            write(dir(group).resolve("cpu.cfs_quota_us"), "-1");
        }

        @Override
        public double fraction(String group) {
            long period = Long.parseLong(read(dir(group).resolve("cpu.cfs_period_us")));
            long quota = Long.parseLong(read(dir(group).resolve("cpu.cfs_quota_us")));
            return quota < 0 ? -1 : (double) quota / period;
        }

        @Override
        void setPriority(Path parent) {
            write(parent.resolve("cpu.shares"), "262144");
        }
    }

    static final class V2 extends CpuCgroups {
        V2(Path root) {
            super(root);
        }

        @Override
        public String version() {
            return "v2 (" + root + ", one group per node: compute and io threads not split)";
        }

        @Override
        public boolean splitsThreads() {
            return false;
        }

        @Override
        void prepareParent() throws IOException {
            write(root.resolve("cgroup.subtree_control"), "+cpu");
            Files.createDirectories(root.resolve(PARENT));
            setPriority(root.resolve(PARENT));
            write(root.resolve(PARENT).resolve("cgroup.subtree_control"), "+cpu");
        }

        @Override
        public void setQuota(String group, double fraction) {
            write(dir(group).resolve("cpu.max"), quotaUs(fraction) + " " + periodUs(fraction));
        }

        @Override
        public void unlimit(String group) {
            write(dir(group).resolve("cpu.max"), "max");
        }

        @Override
        public double fraction(String group) {
            String[] f = read(dir(group).resolve("cpu.max")).split("\\s+");
            return f[0].equals("max") ? -1 : Double.parseDouble(f[0]) / Double.parseDouble(f[1]);
        }

        @Override
        void setPriority(Path parent) {
            write(parent.resolve("cpu.weight"), "10000");
        }
    }
}
