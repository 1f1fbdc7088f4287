package io.edgefuse.runtime.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One CPU cgroup per emulated node, all under {@value #PARENT}, each with a CFS bandwidth quota: a
 * node may use {@code fraction} of one core per period. cgroup v1 writes cpu.cfs_period_us and
 * cpu.cfs_quota_us under the cpu controller's mount; v2 writes cpu.max (after enabling the cpu
 * controller for the subtree). The period is as short as the kernel's 1 ms floor on the quota allows
 * (never under 10 ms): a node that has used its quota waits for the next period, and every such wait
 * is latency a real device does not have. With 50 ms periods a Pi 3 (3.4% of a core) stalled 48 ms
 * whenever a burst of work outran its 1.7 ms, several times per tile (the per-task steps of 50, 100,
 * 150 ms seen in the node logs); with 29 ms periods (1 ms quota) the waits are shorter, a Pi 4 gets
 * 1 ms per 10.4 ms.
 */
public abstract class CpuCgroups {
    public static final String PARENT = "edgefuse-testbed";
    /** CFS refuses quotas below 1 ms; periods from 10 ms up to 1 s (0.1% of a core). */
    public static final long MIN_QUOTA_US = 1_000, MIN_PERIOD_US = 10_000, MAX_PERIOD_US = 1_000_000;

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

    /** Creates (or resets) the node's cgroup with this share of one core; returns the cgroup's directory. */
    public final Path create(String node, double fraction) {
        Path dir = dir(node);
        try {
            prepareParent();
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TestbedException("cannot create cgroup " + dir + ": " + e.getMessage(), e);
        }
        setQuota(node, fraction);
        return dir;
    }

    /** No limit (used while a node loads its models). */
    public abstract void unlimit(String node);

    public abstract void setQuota(String node, double fraction);

    /** The node's share of a core as the kernel has it now (quota over period); -1 when unlimited. */
    public abstract double fraction(String node);

    /** The file a process writes its pid to in order to join the node's cgroup. */
    public Path procsFile(String node) {
        return dir(node).resolve("cgroup.procs");
    }

    public Path dir(String node) {
        return root.resolve(PARENT).resolve(node);
    }

    /** Pids in the node's cgroup (empty if it does not exist). */
    public List<Long> pids(String node) {
        List<Long> l = new ArrayList<>();
        try {
            for (String s : Files.readAllLines(procsFile(node))) if (!s.isBlank()) l.add(Long.parseLong(s.trim()));
        } catch (IOException e) {
            // gone already
        }
        return l;
    }

    /** Removes the node's cgroup (must be empty) and the parent when it has no other children. */
    public void remove(String node) {
        rmdir(dir(node));
        Path parent = root.resolve(PARENT);
        try (var s = Files.list(parent)) {
            if (s.noneMatch(Files::isDirectory)) rmdir(parent);
        } catch (IOException e) {
            // parent gone already
        }
    }

    /** Cgroups this tool created that still exist (for status and the leak check). */
    public List<String> existing() {
        List<String> l = new ArrayList<>();
        Path parent = root.resolve(PARENT);
        if (!Files.isDirectory(parent)) return l;
        try (var s = Files.list(parent)) {
            s.filter(Files::isDirectory).forEach(p -> l.add(p.getFileName().toString()));
        } catch (IOException e) {
            // gone
        }
        return l;
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
        public void setQuota(String node, double fraction) {
            // Quota first to -1: lowering the period under a set quota could exceed the parent's bandwidth.
            write(dir(node).resolve("cpu.cfs_quota_us"), "-1");
            write(dir(node).resolve("cpu.cfs_period_us"), String.valueOf(periodUs(fraction)));
            write(dir(node).resolve("cpu.cfs_quota_us"), String.valueOf(quotaUs(fraction)));
        }

        @Override
        public void unlimit(String node) {
            write(dir(node).resolve("cpu.cfs_quota_us"), "-1");
        }

        @Override
        public double fraction(String node) {
            long period = Long.parseLong(read(dir(node).resolve("cpu.cfs_period_us")));
            long quota = Long.parseLong(read(dir(node).resolve("cpu.cfs_quota_us")));
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
            return "v2 (" + root + ")";
        }

        @Override
        void prepareParent() throws IOException {
            write(root.resolve("cgroup.subtree_control"), "+cpu");
            Files.createDirectories(root.resolve(PARENT));
            setPriority(root.resolve(PARENT));
            write(root.resolve(PARENT).resolve("cgroup.subtree_control"), "+cpu");
        }

        @Override
        public void setQuota(String node, double fraction) {
            write(dir(node).resolve("cpu.max"), quotaUs(fraction) + " " + periodUs(fraction));
        }

        @Override
        public void unlimit(String node) {
            write(dir(node).resolve("cpu.max"), "max");
        }

        @Override
        public double fraction(String node) {
            String[] f = read(dir(node).resolve("cpu.max")).split("\\s+");
            return f[0].equals("max") ? -1 : Double.parseDouble(f[0]) / Double.parseDouble(f[1]);
        }

        @Override
        void setPriority(Path parent) {
            write(parent.resolve("cpu.weight"), "10000");
        }
    }
}
