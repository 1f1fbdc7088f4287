package io.edgefuse.runtime.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.allocator.cluster.Profiles;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of the testbed that need no root: quota arithmetic, addressing, process identity. */
class TestbedPartsTest {

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
        Calibration c = new Calibration("cpu", 2, Map.of("conv", 100.0), 0);
        assertEquals(0.10, c.coreFraction(Profiles.device("pi4"), 1.0), 1e-9);
        assertEquals(0.07, c.coreFraction(Profiles.device("pi3"), 2.0), 1e-9);
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
