package io.edgefuse.runtime.testbed;

import io.edgefuse.allocator.cluster.Cluster;
import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cluster.LinkProfile;
import io.edgefuse.allocator.cluster.OpClass;
import io.edgefuse.allocator.cluster.Profiles;
import io.edgefuse.node.HoldProbeFiles;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A heterogeneous edge cluster on this machine: the real broker and real node processes, each node in
 * its own network namespace behind a tbf-shaped veth and in its own CPU cgroup whose CFS quota makes it
 * as fast as its device profile (relative to this host's calibrated speed, times a scale). Nodes start
 * unthrottled, load their models and hold; then the quotas are set and they probe their capacity and
 * go online at the emulated speed. Needs root.
 */
public final class EmulatedCluster {
    /** Quotas of all nodes together stay below this many cores, leaving the rest to broker and coordinator. */
    public static final double MAX_TOTAL_CORES = 1.5;

    /** What to bring up. */
    public record Spec(String nodes, String link, List<String> models, double scale, int graphCache, String heap, boolean recalibrate) {
        public Spec {
            if (!(scale > 0)) throw new IllegalArgumentException("--scale must be > 0");
            if (models == null || models.isEmpty()) throw new IllegalArgumentException("at least one --model is needed");
        }
    }

    /** MQTT keep-alive of the emulated nodes (the default 10 s lets the broker drop a node after 15 s without a packet). */
    public static final int NODE_KEEP_ALIVE_S = 60;

    /** Tasks an emulated node queues beyond the one it computes (node default 8). */
    public static final int NODE_QUEUE = 64;

    /** The cgroup of the hub's processes (broker, coordinator, bench client). */
    public static final String HUB_CGROUP = "hub";

    private final CpuCgroups cgroups;

    public EmulatedCluster() {
        this.cgroups = CpuCgroups.detect();
    }

    public static void requireRoot() {
        if (!Processes.isRoot()) {
            throw new TestbedException("the emulated cluster needs root (network namespaces, tc, cgroups). Run it with sudo, or use"
                    + " `edgefuse demo` for unshaped nodes on loopback (same processes and broker, no CPU or link limits).");
        }
    }

    public CpuCgroups cgroups() {
        return cgroups;
    }

    /** Brings the cluster up and returns its state; on any failure (or Ctrl-C) everything created so far is removed. */
    public TestbedState up(Spec spec, PrintWriter out) {
        requireRoot();
        Cluster planned = Cluster.parse(spec.nodes(), spec.link());
        LinkProfile link = Profiles.link(spec.link());
        if (planned.size() > 250) throw new IllegalArgumentException("at most 250 nodes");
        if (TestbedState.read() != null || !leftovers().isEmpty()) {
            out.println("removing what an earlier run left behind: " + String.join(", ", leftovers()));
            down(out);
        }
        Calibration cal = Calibration.load(Calibration.defaultCache(), spec.recalibrate(), out);
        out.printf("host: %s, one core = %.1f GFLOP/s conv (calibration %s)%n", cal.cpu(), cal.convGflops(), Calibration.defaultCache());
        out.printf("host: one core scores %.0f events/s on %s (Pi 3B+ 687, Pi 4 1478: the profiles' published figures)%n", cal.scalarScore(), cal.scalarBench());
        double total = 0;
        for (ClusterNode n : planned.nodes()) {
            double f = cal.coreFraction(n.device(), spec.scale()), io = cal.ioFraction(n.device(), spec.scale());
            if (f > 1) throw new IllegalArgumentException(String.format("%s at scale %.2f needs %.2f cores; nodes run one thread: lower --scale", n.name(), spec.scale(), f));
            if (io > 1) throw new IllegalArgumentException(String.format("%s at scale %.2f needs %.2f cores for its Java work; lower --scale", n.name(), spec.scale(), io));
            total += f + (cgroups.splitsThreads() ? io : 0);
        }
        if (total > MAX_TOTAL_CORES) {
            throw new IllegalArgumentException(String.format("the nodes' quotas at scale %.2f sum to %.2f cores; this machine has %d and the broker and"
                    + " coordinator need the rest: keep it <= %.1f (lower --scale)", spec.scale(), total, Runtime.getRuntime().availableProcessors(), MAX_TOTAL_CORES));
        }
        TestbedState st = new TestbedState();
        st.link = link.name();
        st.mbit = link.mbitPerSecond();
        st.scale = spec.scale();
        st.models = List.copyOf(spec.models());
        st.cgroups = cgroups.version();
        st.hostConvGflops = cal.convGflops();
        st.hostScalarScore = cal.scalarScore();
        st.hostScalarBench = cal.scalarBench();
        Thread abort = new Thread(() -> {
            out.println("interrupted: removing the emulated cluster");
            out.flush();
            down(out);
        });
        Runtime.getRuntime().addShutdownHook(abort);
        try {
            Files.createDirectories(TestbedState.logDir());
            Files.deleteIfExists(TestbedState.goFile());
            st.write();
            ShapedLinks.createHub();
            st.hub = true;
            st.write();
            // The hub (broker, coordinator) stands for the gateway machine: no quota, but the same priority as the nodes.
            cgroups.create(HUB_CGROUP);
            cgroups.unlimit(HUB_CGROUP);
            st.broker = start(List.of("ip", "netns", "exec", ShapedLinks.HUB), cgroups.procsFile(HUB_CGROUP), "1g",
                    List.of("broker", "--host", "0.0.0.0", "--port", String.valueOf(ShapedLinks.BROKER_PORT)), "broker");
            st.write();
            awaitLog(st.broker, "broker listening", 60_000, "broker");
            int k = 0;
            for (ClusterNode n : planned.nodes()) {
                k++;
                double f = cal.coreFraction(n.device(), spec.scale()), io = cal.ioFraction(n.device(), spec.scale());
                cgroups.createNode(n.name());
                st.nodes.add(new TestbedState.NodeEntry(n.name(), n.device().name(), k, f, io, n.device().gflops(OpClass.CONV) * spec.scale(),
                        Double.NaN, null));
                st.write();
                ShapedLinks.connect(n.name(), k, link.mbitPerSecond());
                List<String> args = new ArrayList<>(List.of("node", "--id", n.name(), "--broker", ShapedLinks.hubAddress(k) + ":" + ShapedLinks.BROKER_PORT,
                        "--model", String.join(",", spec.models()), "--threads", "1", "--graph-cache", String.valueOf(spec.graphCache()),
                        "--hold-until", TestbedState.goFile().toString(), "--probe-reference", Calibration.defaultCache().toString(),
                        // A throttled JVM stalls as a whole (a full GC at 3% of a core takes seconds): give the broker's
                        // keep-alive check room, so a busy node is not taken for dead by its Last Will.
                        "--keep-alive", String.valueOf(NODE_KEEP_ALIVE_S),
                        // edgefuse's plans give a node up to a dozen tiles (pieces) in one stage: the default
                        // queue of 8 answered the rest "busy" (YOLOv2 over eth1g with measured capacities).
                        "--queue", String.valueOf(NODE_QUEUE)));
                // The JVM starts in the io group; NodeThreads moves TensorFlow's threads to the compute group.
                TestbedState.Proc p = start(List.of("ip", "netns", "exec", ShapedLinks.namespace(n.name())),
                        cgroups.procsFile(cgroups.group(n.name(), CpuCgroups.Part.IO)), spec.heap(), args, n.name());
                st.nodes.set(k - 1, st.nodes.get(k - 1).withProc(p));
                st.write();
                out.printf("  %-8s netns %-10s %s <-> %s, tbf %.0f Mbit/s each way, cgroups: compute %.3f of a core (first guess), other threads %.3f%n",
                        n.name(), ShapedLinks.namespace(n.name()), ShapedLinks.hubAddress(k), ShapedLinks.nodeAddress(k), link.mbitPerSecond(), f,
                        cgroups.splitsThreads() ? io : f);
                out.flush();
            }
            out.println("nodes loading models at full speed...");
            out.flush();
            for (TestbedState.NodeEntry n : st.nodes) awaitLog(n.proc(), "holding until", 900_000, n.id());
            // TensorFlow's pools exist now (the nodes ran their probe once, unmeasured): split the threads.
            out.println("threads: " + NodeThreads.applyAll(cgroups, st));
            for (TestbedState.NodeEntry n : st.nodes) cgroups.setNodeQuotas(n.id(), n.coreFraction(), n.ioFraction());
            calibrate(st, out);
            Files.writeString(TestbedState.goFile(), "go\n");
            for (TestbedState.NodeEntry n : st.nodes) awaitLog(n.proc(), "running (", 600_000, n.id());
            // Threads created since (task workers, the MQTT client's event loop) start in their creator's group.
            out.println("threads: " + NodeThreads.applyAll(cgroups, st));
            st.ready = true;
            st.write();
            Runtime.getRuntime().removeShutdownHook(abort);
            out.printf("up: %d nodes (first-guess quotas sum to %.2f cores, cgroups %s), broker in netns %s at %s:%d for nodes, 127.0.0.1:%d inside %s%n",
                    st.nodes.size(), total, cgroups.version(), ShapedLinks.HUB, "10.213.K.1", ShapedLinks.BROKER_PORT, ShapedLinks.BROKER_PORT, ShapedLinks.HUB);
            out.flush();
            return st;
        } catch (RuntimeException | IOException e) {
            try {
                Runtime.getRuntime().removeShutdownHook(abort);
            } catch (IllegalStateException shuttingDown) {
                return st; // Ctrl-C: the hook removes everything
            }
            out.println("cluster up failed: " + e.getMessage() + "; removing what was created");
            out.flush();
            down(out);
            if (e instanceof RuntimeException r) throw r;
            throw new TestbedException(e.getMessage(), e);
        }
    }

    /**
     * The closed loop ({@link QuotaLoop}): every node still off its profile's conv rate by more than the
     * tolerance probes again (all at once, each in its own cgroups) and gets its compute quota scaled;
     * the quota is not changed after a node's last probe, whose rate it then reports.
     */
    private void calibrate(TestbedState st, PrintWriter out) {
        List<Integer> pending = new ArrayList<>();
        List<List<QuotaLoop.Probe>> probes = new ArrayList<>();
        for (int i = 0; i < st.nodes.size(); i++) {
            pending.add(i);
            probes.add(new ArrayList<>());
        }
        for (int round = 1; round <= QuotaLoop.MAX_PROBES && !pending.isEmpty(); round++) {
            out.printf("calibrating compute quotas, probe %d of at most %d (%s)...%n", round, QuotaLoop.MAX_PROBES,
                    String.join(", ", pending.stream().map(i -> st.nodes.get(i).id()).toList()));
            out.flush();
            for (int i : pending) {
                try {
                    HoldProbeFiles.ask(TestbedState.goFile(), st.nodes.get(i).id(), round);
                } catch (IOException e) {
                    throw new TestbedException("cannot ask " + st.nodes.get(i).id() + " for a probe: " + e.getMessage(), e);
                }
            }
            List<Integer> next = new ArrayList<>();
            for (int i : pending) {
                TestbedState.NodeEntry n = st.nodes.get(i);
                double measured = awaitProbe(n, round);
                boolean done = QuotaLoop.converged(n.targetConvGflops(), measured) || round == QuotaLoop.MAX_PROBES;
                probes.get(i).add(new QuotaLoop.Probe(n.coreFraction(), measured));
                double f = done ? n.coreFraction() : QuotaLoop.next(probes.get(i), n.targetConvGflops());
                out.printf("  %-8s compute %.4f of a core: %.2f GFLOP/s conv (target %.2f, %.2f)%s%n", n.id(), n.coreFraction(), measured,
                        n.targetConvGflops(), measured / n.targetConvGflops(), done ? (QuotaLoop.converged(n.targetConvGflops(), measured) ? ": within "
                                + Math.round(QuotaLoop.TOLERANCE * 100) + "%" : ": NOT within " + Math.round(QuotaLoop.TOLERANCE * 100) + "% after "
                                + QuotaLoop.MAX_PROBES + " probes") : String.format(" -> %.4f", f));
                out.flush();
                st.nodes.set(i, n.withCompute(f, measured));
                if (!done) {
                    cgroups.setQuota(cgroups.group(n.id(), CpuCgroups.Part.COMPUTE), f);
                    next.add(i);
                }
            }
            st.write();
            pending = next;
        }
    }

    private static double awaitProbe(TestbedState.NodeEntry n, int round) {
        long deadline = System.currentTimeMillis() + 900_000;
        while (System.currentTimeMillis() < deadline) {
            double gflops = HoldProbeFiles.answerTo(TestbedState.goFile(), n.id(), round);
            if (!Double.isNaN(gflops)) return gflops;
            if (!Processes.alive(n.proc().pid(), n.proc().startTime())) {
                throw new TestbedException(n.id() + " exited while probing; end of its log " + n.proc().log() + ":\n" + tail(read(Path.of(n.proc().log()))));
            }
            Processes.sleep(200);
        }
        throw new TestbedException(n.id() + " did not answer probe " + round + " within 900 s; its log: " + n.proc().log());
    }

    /** Removes everything the state file names, then anything else named like ours. Idempotent. */
    public void down(PrintWriter out) {
        TestbedState st;
        try {
            st = TestbedState.read();
        } catch (TestbedException e) {
            out.println(e.getMessage());
            st = null;
        }
        List<String> problems = new ArrayList<>();
        if (st != null) {
            for (TestbedState.NodeEntry n : st.nodes) if (n.proc() != null) Processes.stop(n.proc().pid(), n.proc().startTime(), 10_000);
            if (st.broker != null) Processes.stop(st.broker.pid(), st.broker.startTime(), 10_000);
        }
        // Whatever still runs inside our namespaces or cgroups was started by us (or by a user into them): stop it.
        for (String ns : ShapedLinks.existing()) for (long pid : ShapedLinks.pids(ns)) Processes.stop(pid, Processes.startTime(pid), 5_000);
        for (String cg : cgroups.existing()) for (long pid : cgroups.pids(cg)) Processes.stop(pid, Processes.startTime(pid), 5_000);
        List<String> spaces = ShapedLinks.existing();
        spaces.sort((a, b) -> a.equals(ShapedLinks.HUB) ? 1 : b.equals(ShapedLinks.HUB) ? -1 : a.compareTo(b));
        for (String ns : spaces) {
            try {
                ShapedLinks.delete(ns);
            } catch (TestbedException e) {
                problems.add(e.getMessage());
            }
        }
        for (String cg : cgroups.existing()) {
            try {
                cgroups.remove(cg);
            } catch (TestbedException e) {
                problems.add(e.getMessage());
            }
        }
        try {
            cgroups.removeParent();
        } catch (TestbedException e) {
            problems.add(e.getMessage());
        }
        try {
            Files.deleteIfExists(TestbedState.goFile());
            Files.deleteIfExists(TestbedState.file());
            if (Files.isDirectory(TestbedState.DIR)) {
                try (var files = Files.list(TestbedState.DIR)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        // the closed loop's probe requests and answers (go.probe.<node>, go.probed.<node>)
                        if (f.getFileName().toString().startsWith(TestbedState.goFile().getFileName() + ".")) Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) throw new TestbedException("cluster down left things behind: " + String.join("; ", problems));
        List<String> left = leftovers();
        if (!left.isEmpty()) throw new TestbedException("cluster down left things behind: " + String.join(", ", left));
        out.println("down: no namespace, veth, qdisc, cgroup or process of the emulated cluster is left");
        out.flush();
    }

    /** Everything of ours that exists now: namespaces (with their veths and qdiscs), cgroups, processes in the state file. */
    public List<String> leftovers() {
        List<String> l = new ArrayList<>();
        for (String ns : ShapedLinks.existing()) l.add("netns " + ns);
        for (String v : ShapedLinks.rootVeths()) l.add("veth " + v);
        if (cgroups.parentExists()) l.add("cgroup " + cgroups.root.resolve(CpuCgroups.PARENT));
        TestbedState st = TestbedState.read();
        if (st != null) {
            if (st.broker != null && Processes.alive(st.broker.pid(), st.broker.startTime())) l.add("broker pid " + st.broker.pid());
            for (TestbedState.NodeEntry n : st.nodes) {
                if (n.proc() != null && Processes.alive(n.proc().pid(), n.proc().startTime())) l.add("node " + n.id() + " pid " + n.proc().pid());
            }
        }
        return l;
    }

    /**
     * Starts `edgefuse ARGS` detached (own session, stdin /dev/null, output to a log) under {@code prefix}
     * (ip netns exec NS); when {@code procs} is given, the shell joins that cgroup before exec'ing, so
     * the JVM never runs outside it.
     */
    private static TestbedState.Proc start(List<String> prefix, Path procs, String heap, List<String> args, String name) {
        Path log = TestbedState.logDir().resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of("setsid", "sh", "-c", (procs == null ? "" : "echo $$ > '" + procs + "' && ") + "exec \"$@\"", "sh"));
        cmd.addAll(prefix);
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx" + heap);
        // One core's worth of JVM: serial GC and one processor, so GC and JIT threads do not eat the quota in parallel.
        cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:ActiveProcessorCount=1", "-XX:CICompilerCount=2"));
        if (procs != null && !name.equals("broker")) {
            // A node's heap is fixed from the start, half of it young and every page touched while the node is
            // still unthrottled: tile buffers (MBs per task) then die in rare young collections. With a
            // growing heap a Pi 3 node (3% of a core) had a 100 MB eden beside VGG-16's weights and spent
            // ~0.9 s per young collection, 8 of them in a minute of requests.
            cmd.addAll(List.of("-Xms" + heap, "-XX:NewRatio=1", "-XX:+AlwaysPreTouch"));
        }
        String cache = System.getProperty("edgefuse.zoo.cache");
        if (cache != null) cmd.add("-Dedgefuse.zoo.cache=" + cache);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.edgefuse.runtime.cli.Main"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
        try {
            Process p = pb.start();
            long start = -1;
            for (int i = 0; i < 100 && start < 0; i++) {
                start = Processes.startTime(p.pid());
                if (start < 0) Processes.sleep(10);
            }
            return new TestbedState.Proc(p.pid(), start, log.toString());
        } catch (IOException e) {
            throw new TestbedException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    private static void awaitLog(TestbedState.Proc p, String marker, long timeoutMs, String name) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Path log = Path.of(p.log());
        while (System.currentTimeMillis() < deadline) {
            String text = read(log);
            if (text.contains(marker)) return;
            if (!Processes.alive(p.pid(), p.startTime())) throw new TestbedException(name + " exited; end of its log " + log + ":\n" + tail(text));
            Processes.sleep(200);
        }
        throw new TestbedException(name + " did not report '" + marker + "' within " + timeoutMs / 1000 + " s; end of its log " + log + ":\n" + tail(read(log)));
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
    }
}
