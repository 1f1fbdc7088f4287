package io.edgefuse.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgefuse.runtime.testbed.EmulatedCluster;
import io.edgefuse.runtime.testbed.Hub;
import io.edgefuse.runtime.testbed.Members;
import io.edgefuse.runtime.testbed.NodeQuotas;
import io.edgefuse.runtime.testbed.Processes;
import io.edgefuse.runtime.testbed.QuotaLoop;
import io.edgefuse.runtime.testbed.ShapedLinks;
import io.edgefuse.runtime.testbed.TestbedState;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"An emulated heterogeneous edge cluster on this machine (needs root; see docs/testbed.md): each node a real"
                + " process in its own network namespace behind a tbf-shaped veth and in its own CPU cgroup whose quota makes it as fast"
                + " as its device profile. Without root use `edgefuse demo` (unshaped nodes on loopback)."},
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class, ClusterCommand.Status.class})
final class ClusterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /** Options shared by `cluster up` and `bench cluster`. */
    static final class UpOptions {
        @Option(names = "--nodes", defaultValue = "2xpi4,2xpi3", description = "Device profiles, e.g. 2xpi4,2xpi3 (pi3, pi4, pi5). Default: ${DEFAULT-VALUE}.")
        String nodes;

        @Option(names = "--link", defaultValue = "wifi50", description = "Link profile of every node: wifi20, wifi50, wifi100, eth100, eth1g. Default: ${DEFAULT-VALUE}.")
        String link;

        @Option(names = "--scale", defaultValue = "1.0", description = "Node speed relative to the real device (1 = as fast as a Pi). Default: ${DEFAULT-VALUE}.")
        double scale;

        @Option(names = "--graph-cache", defaultValue = "32", description = "Tile graphs each node keeps compiled (with Eigen kernels a graph holds no weights of its own; under oneDNN each holds copies of its filters, so keep it small). Default: ${DEFAULT-VALUE}.")
        int graphCache;

        @Option(names = "--node-heap", defaultValue = "1500m", description = "JVM heap of each node (-Xmx). Default: ${DEFAULT-VALUE}.")
        String heap;

        @Option(names = "--recalibrate", description = "Measure this host's speed again instead of using the cached calibration.")
        boolean recalibrate;

        EmulatedCluster.Spec spec(List<String> models) {
            return new EmulatedCluster.Spec(nodes, link, models, scale, graphCache, heap, recalibrate);
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Brings the emulated cluster up and leaves it running: broker in netns ef-hub, nodes in ef-<node>, quotas from"
                    + " this host's calibration. Removes the leftovers of a crashed earlier run first. Ctrl-C while it starts removes everything."})
    static final class Up implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        UpOptions opts;

        @Option(names = "--model", required = true, split = ",", description = "Models every node holds (zoo names or folders).")
        List<String> models;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            new EmulatedCluster().up(opts.spec(models), out);
            return Hub.run(List.of("cluster", "status", "--in-hub", "--await-online", "300"));
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = {"Stops the nodes and the broker, deletes the namespaces (with their veths and qdiscs) and the cgroups, and checks that nothing is left."})
    static final class Down implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            EmulatedCluster.requireRoot();
            new EmulatedCluster().down(spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"What runs: each node's device, quota, target and MEASURED conv speed (its capacity probe under the quota, from its status), link shaping, processes."})
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--in-hub", hidden = true, description = "Already inside the hub namespace: read the nodes' status from the broker.")
        boolean inHub;

        @Option(names = "--await-online", hidden = true, defaultValue = "0", description = "Wait up to this many seconds for every node to be online.")
        int awaitOnline;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            EmulatedCluster.requireRoot();
            TestbedState st = TestbedState.read();
            if (st == null) {
                List<String> left = new EmulatedCluster().leftovers();
                out.println(left.isEmpty() ? "no emulated cluster is up" : "no cluster state, but these exist (run `edgefuse cluster down`): " + String.join(", ", left));
                out.flush();
                return left.isEmpty() ? 0 : 1;
            }
            if (!inHub) return Hub.run(List.of("cluster", "status", "--in-hub"));
            Map<String, JsonNode> status = Members.statuses(Hub.BROKER_HOST, ShapedLinks.BROKER_PORT, "edgefuse/v1", 1500);
            long deadline = System.currentTimeMillis() + awaitOnline * 1000L;
            while (!allOnline(st, status) && System.currentTimeMillis() < deadline) {
                status = Members.statuses(Hub.BROKER_HOST, ShapedLinks.BROKER_PORT, "edgefuse/v1", 1500);
            }
            out.printf("link %s (%.0f Mbit/s each way, tbf), scale %.2f, host core %.1f GFLOP/s conv and %.0f events/s scalar (%s), cgroups %s, models %s%s%n",
                    st.link, st.mbit, st.scale, st.hostConvGflops, st.hostScalarScore, st.hostScalarBench, st.cgroups, st.models,
                    st.ready ? "" : " (NOT READY: up did not finish)");
            Table t = new Table("node", "device", "netns", "compute quota", "io quota", "target conv GFLOP/s", "measured conv GFLOP/s", "measured/target",
                    "task overhead ms", "online", "pid");
            for (TestbedState.NodeEntry n : st.nodes) {
                JsonNode s = status.get(n.id());
                boolean alive = n.proc() != null && Processes.alive(n.proc().pid(), n.proc().startTime());
                double conv = s == null ? Double.NaN : s.path("capacity").path("gflops").path("conv").asDouble(Double.NaN);
                t.row(n.id(), n.device(), ShapedLinks.namespace(n.id()), NodeQuotas.describe(n.coreFraction()),
                        st.splitsThreads() ? NodeQuotas.describe(n.ioFraction()) : "(same group)",
                        String.format("%.2f", n.targetConvGflops()), String.format("%.2f", conv), String.format("%.2f", conv / n.targetConvGflops()),
                        s == null ? "-" : String.format("%.1f", s.path("capacity").path("taskOverheadMs").asDouble()),
                        s != null && s.path("online").asBoolean(), alive ? String.valueOf(n.proc().pid()) : "DEAD");
            }
            t.print(out);
            out.printf("compute quota: TensorFlow's kernel threads, set in a closed loop until the probe is within %.0f%% of the profile; io quota: every"
                    + " other thread of the node's JVM, the device's scalar score over this host's%n", QuotaLoop.TOLERANCE * 100);
            out.println("measured = the node's own capacity probe run under its quota (what the coordinator plans with)");
            out.flush();
            return allOnline(st, status) ? 0 : 1;
        }

        private static boolean allOnline(TestbedState st, Map<String, JsonNode> status) {
            for (TestbedState.NodeEntry n : st.nodes) {
                JsonNode s = status.get(n.id());
                if (s == null || !s.path("online").asBoolean()) return false;
            }
            return true;
        }
    }
}
