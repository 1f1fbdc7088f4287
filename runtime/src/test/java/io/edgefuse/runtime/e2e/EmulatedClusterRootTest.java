package io.edgefuse.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgefuse.engine.tf.TfThreads;
import io.edgefuse.runtime.testbed.CpuCgroups;
import io.edgefuse.runtime.testbed.EmulatedCluster;
import io.edgefuse.runtime.testbed.Hub;
import io.edgefuse.runtime.testbed.Processes;
import io.edgefuse.runtime.testbed.ShapedLinks;
import io.edgefuse.runtime.testbed.TestbedState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The emulated cluster for real: needs root (run with -Proot). Three nodes in their own namespaces and
 * cgroups (TensorFlow's threads in a compute group, the rest of each JVM in an io group) answer one
 * request through the broker in the hub; `down` must leave no namespace, veth, qdisc, cgroup (the nodes'
 * compute and io groups included) or process behind.
 */
@Tag("root")
class EmulatedClusterRootTest {

    @Test
    void upAnswersAndDownLeavesNothing() throws Exception {
        assertTrue(Processes.isRoot(), "the root-tagged tests need root: sudo mvn -Proot test -pl runtime -am");
        Path dir = Files.createTempDirectory("edgefuse-testbed-test");
        Path folder = E2eModel.write(dir);
        StringWriter log = new StringWriter();
        PrintWriter out = new PrintWriter(log, true);
        EmulatedCluster ec = new EmulatedCluster();
        List<TestbedState.Proc> procs = new ArrayList<>();
        List<Path> groups = new ArrayList<>();
        try {
            TestbedState st = ec.up(new EmulatedCluster.Spec("pi4,2xpi3", "wifi50", List.of(folder.toString()), 1.0, 4, "512m", false), out);
            assertEquals(3, st.nodes.size());
            procs.add(st.broker);
            for (TestbedState.NodeEntry n : st.nodes) {
                procs.add(n.proc());
                assertTrue(ShapedLinks.existing().contains(ShapedLinks.namespace(n.id())), n.id() + " has its namespace");
                String hubQdisc = Processes.run("tc", "-n", ShapedLinks.HUB, "qdisc", "show", "dev", ShapedLinks.hubVeth(n.index()));
                String nodeQdisc = Processes.run("tc", "-n", ShapedLinks.namespace(n.id()), "qdisc", "show", "dev", "eth0");
                assertTrue(hubQdisc.contains("tbf") && hubQdisc.contains("50Mbit"), "hub side shaped: " + hubQdisc);
                assertTrue(nodeQdisc.contains("tbf") && nodeQdisc.contains("50Mbit"), "node side shaped: " + nodeQdisc);
                // At most one core: the closed loop stops there when the tiny test model's probe (overhead-bound)
                // cannot reach a pi4's rate even unthrottled.
                assertTrue(n.coreFraction() > 0 && n.coreFraction() <= 1, "a share of one core: " + n.coreFraction() + "\n" + log);
                CpuCgroups cg = ec.cgroups();
                String compute = cg.group(n.id(), CpuCgroups.Part.COMPUTE), io = cg.group(n.id(), CpuCgroups.Part.IO);
                assertTrue(cg.pids(io).contains(n.proc().pid()), n.id() + "'s JVM runs in its io cgroup " + cg.dir(io));
                if (cg.splitsThreads()) {
                    groups.add(cg.dir(compute));
                    groups.add(cg.dir(io));
                    assertTrue(n.ioFraction() > 0 && n.ioFraction() < 1, "a share of one core: " + n.ioFraction());
                    assertEquals(n.ioFraction(), cg.fraction(io), 0.01, "io quota set");
                    assertTrue(cg.fraction(compute) > 0, "compute quota set");
                    // TensorFlow's threads are in the compute group, the JVM's other threads are not.
                    List<String> inCompute = Files.readAllLines(cg.tasksFile(compute)), inIo = Files.readAllLines(cg.tasksFile(io));
                    assertFalse(inCompute.isEmpty(), n.id() + ": no thread in " + cg.dir(compute));
                    for (String tid : inCompute) {
                        assertEquals(TfThreads.COMPUTE, Files.readString(Path.of("/proc", String.valueOf(n.proc().pid()), "task", tid, "comm")).strip());
                    }
                    assertTrue(inIo.contains(String.valueOf(n.proc().pid())), "the JVM's first thread stays in io");
                }
            }
            // One request through the cluster: coordinator and client beside the broker in the hub namespace.
            Path json = dir.resolve("bench.json");
            int code = Hub.run(List.of("bench", "cluster", "--model", folder.toString(), "--planners", "edgefuse", "--requests", "1", "--warmup", "0",
                    "--json", "--in-hub"), json);
            assertEquals(0, code, () -> "bench in the hub failed; cluster log:\n" + log);
            JsonNode r = new ObjectMapper().readTree(json.toFile()).path("rows").get(0);
            assertEquals(0, r.path("errors").asInt(), r::toString);
            assertTrue(r.path("p50Ms").asDouble() > 0, r::toString);
            assertTrue(r.path("wireBytesPerRequest").asDouble() > 0, "the request crossed the shaped links: " + r);
        } finally {
            ec.down(out);
        }
        assertTrue(ShapedLinks.existing().isEmpty(), "namespaces left: " + ShapedLinks.existing());
        assertTrue(ShapedLinks.rootVeths().isEmpty(), "veths left: " + ShapedLinks.rootVeths());
        assertFalse(Processes.run("tc", "qdisc", "show").contains("tbf"), "a tbf qdisc is left in the root namespace");
        for (Path g : groups) assertFalse(Files.exists(g), "cgroup " + g + " left");
        assertFalse(Files.exists(ec.cgroups().dir("x").getParent()), "cgroup parent " + CpuCgroups.PARENT + " left");
        for (TestbedState.Proc p : procs) assertFalse(Processes.alive(p.pid(), p.startTime()), "process " + p.pid() + " still runs");
        assertFalse(Files.exists(TestbedState.file()), "state file left");
        assertTrue(ec.leftovers().isEmpty(), "leftovers: " + ec.leftovers());
    }
}
