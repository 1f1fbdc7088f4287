package io.edgefuse.runtime.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.allocator.cluster.DeviceProfile;
import io.edgefuse.allocator.cluster.Profiles;
import io.edgefuse.engine.tf.TfThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the testbed that need no root: quota arithmetic, thread placement, addressing, process identity. */
class TestbedPartsTest {

    @Test
    void aStateFileWithFieldsThisVersionDoesNotKnowIsStillRead() throws Exception {
        String json = """
                {"link": "wifi50", "mbit": 50.0, "ready": true, "someLaterField": {"x": 1},
                 "broker": {"pid": 42, "startTime": 7, "log": "/run/b.log"},
                 "nodes": [{"id": "pi4-1", "device": "pi4", "index": 0, "coreFraction": 0.14, "ioFraction": 0.37,
                            "targetConvGflops": 10.0, "measuredConvGflops": 9.8, "laterNodeField": "y",
                            "proc": {"pid": 43, "startTime": 8, "log": "/run/n.log"}}]}
                """;
        TestbedState st = TestbedState.parse(json);
        assertEquals("wifi50", st.link);
        assertEquals(42, st.broker.pid());
        assertEquals(1, st.nodes.size());
        assertEquals("pi4-1", st.nodes.get(0).id());
        assertEquals(43, st.nodes.get(0).proc().pid());
        assertEquals(0.14, st.nodes.get(0).coreFraction(), 1e-9);
    }

    @Test
    void quotasAreTheCoreShareOfThePeriodWithTheKernelsFloor() {
        // The shortest period (>= 10 ms) whose share is at least the kernel's 1 ms floor.
        assertEquals(10_000, CpuCgroups.periodUs(0.1));
        assertEquals(1_000, CpuCgroups.quotaUs(0.1));
        assertEquals(10_000, CpuCgroups.periodUs(0.5));
        assertEquals(5_000, CpuCgroups.quotaUs(0.5));
        assertEquals(29_412, CpuCgroups.periodUs(0.034), "a Pi 3: 1 ms per 29.4 ms");
        assertEquals(1_000, CpuCgroups.quotaUs(0.034));
        assertEquals(CpuCgroups.MAX_PERIOD_US, CpuCgroups.periodUs(0.0001));
        assertEquals(CpuCgroups.MIN_QUOTA_US, CpuCgroups.quotaUs(0.0001), "CFS refuses less than 1 ms");
        assertThrows(IllegalArgumentException.class, () -> CpuCgroups.quotaUs(0));
    }

    @Test
    void aNodesCoreShareIsItsProfileOverTheHostsCoreTimesTheScale() {
        Calibration c = new Calibration("cpu", 2, Map.of("conv", 100.0), 0, 4000.0, "test");
        assertEquals(0.10, c.coreFraction(Profiles.device("pi4"), 1.0), 1e-9);
        assertEquals(0.07, c.coreFraction(Profiles.device("pi3"), 2.0), 1e-9);
    }

    @Test
    void aNodesIoShareIsTheDevicesPublishedScalarScoreOverTheHosts() {
        Calibration c = new Calibration("cpu", 2, Map.of("conv", 100.0), 0, 4000.0, "test");
        assertEquals(1477.83 / 4000, c.ioFraction(Profiles.device("pi4"), 1.0), 1e-9);
        assertEquals(2 * 687.45 / 4000, c.ioFraction(Profiles.device("pi3"), 2.0), 1e-9);
        // A profile without a published figure: a Pi 4's score per conv GFLOP/s.
        DeviceProfile custom = DeviceProfile.of("x", 20, 1, 1, 1, 1, 0, 0, 100);
        assertEquals(2 * 1477.83, custom.scalarScore(), 0.01);
        assertEquals(2 * 1477.83 / 4000, c.ioFraction(custom, 1.0), 1e-4);
        assertEquals(687.45 / 2, Profiles.device("pi3").scaled(0.5).scalarScore(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> custom.withScalarScore(0));
    }

    @Test
    void theJavaPortCountsThePrimesSysbenchCounts() {
        assertEquals(1228, ScalarBench.event(), "primes from 3 to 9999 (1229 below 10000, without 2)");
    }

    @Test
    void theClosedLoopScalesTheQuotaByTheMissingRateWithinBounds() {
        assertTrue(QuotaLoop.converged(10, 9.1));
        assertTrue(QuotaLoop.converged(3.5, 3.84));
        assertFalse(QuotaLoop.converged(3.5, 2.9), "0.83 of the target is off by more than 10%");
        assertEquals(0.096 * 10 / 6.5, QuotaLoop.next(List.of(new QuotaLoop.Probe(0.096, 6.5)), 10), 1e-12);
        assertEquals(0.05 * 3.5 / 4.2, QuotaLoop.next(List.of(new QuotaLoop.Probe(0.05, 4.2)), 3.5), 1e-12, "too fast: the quota shrinks");
        // Two probes: 60 and 75 GFLOP/s per core share, mean 67.5, so 10 GFLOP/s needs 0.148 of a core.
        assertEquals(10 / 67.5, QuotaLoop.next(List.of(new QuotaLoop.Probe(0.1, 6.0), new QuotaLoop.Probe(0.14, 10.5)), 10), 1e-12);
        assertEquals(QuotaLoop.MAX_FRACTION, QuotaLoop.next(List.of(new QuotaLoop.Probe(0.8, 1)), 10), "never more than one core");
        assertEquals(QuotaLoop.MIN_FRACTION, QuotaLoop.next(List.of(new QuotaLoop.Probe(0.002, 100)), 1));
        assertThrows(IllegalArgumentException.class, () -> new QuotaLoop.Probe(0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> QuotaLoop.next(List.of(), 10));
    }

    @Test
    void tensorFlowsThreadsAreComputeEverythingElseIo() {
        assertEquals(CpuCgroups.Part.COMPUTE, NodeThreads.partOf(TfThreads.COMPUTE));
        assertEquals(CpuCgroups.Part.COMPUTE, NodeThreads.partOf(TfThreads.COMPUTE + "\n"), "comm as read from /proc ends in a newline");
        for (String other : List.of("java", "edgefuse-node-p", "vert.x-eventloo", "VM Thread", "C2 CompilerThre", "ef-tf-compute2", "main")) {
            assertEquals(CpuCgroups.Part.IO, NodeThreads.partOf(other), other);
        }
        assertTrue(TfThreads.COMPUTE.length() <= 15, "Linux keeps 15 characters of a thread's name");
    }

    @Test
    void eachThreadIsMovedToItsGroupOnceThroughTheTasksFile(@TempDir Path tmp) throws Exception {
        Path proc = tmp.resolve("proc"), sys = tmp.resolve("cpu");
        Files.createDirectories(sys);
        CpuCgroups cg = new CpuCgroups.V1(sys);
        for (String g : List.of("pi3-1/compute", "pi3-1/io")) Files.createDirectories(cg.dir(g));
        thread(proc, 100, 100, "java", "/edgefuse-testbed/pi3-1/io");
        thread(proc, 100, 101, "edgefuse-node-p", "/edgefuse-testbed/pi3-1/io");
        thread(proc, 100, 102, TfThreads.COMPUTE, "/edgefuse-testbed/pi3-1/io");
        thread(proc, 100, 103, TfThreads.COMPUTE, "/edgefuse-testbed/pi3-1/compute");
        thread(proc, 100, 104, "vert.x-eventloo", "/edgefuse-testbed/pi3-1/compute");
        NodeThreads.Split s = NodeThreads.apply(cg, proc, "pi3-1", 100);
        assertEquals(new NodeThreads.Split(2, 3, 2), s);
        assertEquals("102", Files.readString(cg.tasksFile("pi3-1/compute")), "the TF thread still in io is moved");
        assertEquals("104", Files.readString(cg.tasksFile("pi3-1/io")), "a Java thread created by a compute thread is moved back");
        assertEquals(new NodeThreads.Split(0, 0, 0), NodeThreads.apply(cg, proc, "pi3-1", 999), "a process that is gone has no threads");
        assertEquals("pi3-1/compute", cg.group("pi3-1", CpuCgroups.Part.COMPUTE));
        assertEquals(List.of("pi3-1/compute", "pi3-1/io", "pi3-1"), cg.existing(), "children first, so they can be removed in this order");
    }

    private static void thread(Path proc, long pid, long tid, String comm, String cpuGroup) throws Exception {
        Path t = proc.resolve(String.valueOf(pid)).resolve("task").resolve(String.valueOf(tid));
        Files.createDirectories(t);
        Files.writeString(t.resolve("comm"), comm + "\n");
        Files.writeString(t.resolve("cgroup"), "12:pids:/user.slice\n4:cpu:" + cpuGroup + "\n3:cpuacct:/\n");
    }

    @Test
    void eachNodeHasItsOwnSubnetAndShortInterfaceNames() {
        assertEquals("10.213.3.1", ShapedLinks.hubAddress(3));
        assertEquals("10.213.3.2", ShapedLinks.nodeAddress(3));
        assertTrue(ShapedLinks.hubVeth(250).length() <= 15);
        assertThrows(IllegalArgumentException.class, () -> ShapedLinks.hubAddress(0));
        assertThrows(IllegalArgumentException.class, () -> ShapedLinks.hubAddress(251));
        assertEquals("ef-pi4-1", ShapedLinks.namespace("pi4-1"));
    }

    @Test
    void aProcessIsKnownByPidAndStartTime() {
        long me = ProcessHandle.current().pid();
        long start = Processes.startTime(me);
        assertTrue(start > 0);
        assertTrue(Processes.alive(me, start));
        assertTrue(!Processes.alive(me, start + 1), "same pid, other start time: a reused pid is not ours");
        assertEquals(-1, Processes.startTime(Integer.MAX_VALUE));
    }
}
