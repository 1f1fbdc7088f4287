package io.edgefuse.allocator.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MessagePathEstimateTest {

    /** Tile sizes as VGG-16's stages give them: 0.05 to 3 MB in + out. */
    private static double size(Random r) {
        return 0.05 + 2.95 * r.nextDouble();
    }

    @Test
    void startsFromTheProfileAndPlansWithItUntilEnoughSamples() {
        MessagePathEstimate e = new MessagePathEstimate(12, 11.5);
        assertEquals(12, e.fixedMs(), 1e-9);
        assertEquals(11.5, e.perMbMs(), 1e-9);
        assertFalse(e.learned());
        for (int i = 0; i < MessagePathEstimate.MIN_SAMPLES - 1; i++) e.observe(1, 30);
        assertFalse(e.learned());
        e.observe(1, 30);
        assertTrue(e.learned());
        assertEquals(MessagePathEstimate.MIN_SAMPLES, e.samples());
    }

    @Test
    void recoversKnownCoefficientsFromNoisySamples() {
        Random r = new Random(7);
        MessagePathEstimate e = new MessagePathEstimate(12, 11.5); // a pi4's profile; the node is a pi3
        for (int i = 0; i < 300; i++) {
            double mb = size(r);
            e.observe(mb, 20 + 25 * mb + 3 * r.nextGaussian());
        }
        assertEquals(20, e.fixedMs(), 2.0);
        assertEquals(25, e.perMbMs(), 1.5);
    }

    @Test
    void aFewSamplesMoveItMostOfTheWay() {
        Random r = new Random(3);
        MessagePathEstimate e = new MessagePathEstimate(34, 33); // the default for a pi3's conv rate
        for (int i = 0; i < MessagePathEstimate.MIN_SAMPLES; i++) {
            double mb = size(r);
            e.observe(mb, 20 + 25 * mb + 3 * r.nextGaussian());
        }
        // after the samples the coordinator plans with, a 1 MB tile is predicted within a fifth of the truth (45 ms)
        assertEquals(45, e.predictMs(1), 9);
    }

    @Test
    void outliersAndQueuedTilesMoveItLittle() {
        Random r = new Random(11);
        MessagePathEstimate clean = new MessagePathEstimate(12, 11.5), dirty = new MessagePathEstimate(12, 11.5);
        for (int i = 0; i < 300; i++) {
            double mb = size(r), noise = 2 * r.nextGaussian();
            clean.observe(mb, 15 + 12 * mb + noise);
            // one in ten: a GC pause or a tile that waited behind others, hundreds of ms late
            dirty.observe(mb, 15 + 12 * mb + noise + (i % 10 == 5 ? 300 + 700 * r.nextDouble() : 0));
        }
        assertEquals(15, clean.fixedMs(), 1.5);
        assertEquals(12, clean.perMbMs(), 1.0);
        assertEquals(15, dirty.fixedMs(), 4.0);
        assertEquals(12, dirty.perMbMs(), 2.0);
        // without the Huber weights the same samples would add 65 ms on average
        assertTrue(dirty.predictMs(1) - clean.predictMs(1) < 8, dirty + " vs " + clean);
    }

    @Test
    void followsANodeWhoseMessagePathChanged() {
        Random r = new Random(5);
        MessagePathEstimate e = new MessagePathEstimate(12, 11.5);
        for (int i = 0; i < 100; i++) {
            double mb = size(r);
            e.observe(mb, 12 + 11.5 * mb + r.nextGaussian());
        }
        for (int i = 0; i < 150; i++) {
            double mb = size(r);
            e.observe(mb, 24 + 23 * mb + r.nextGaussian()); // e.g. the node is throttled to half its scalar speed
        }
        assertEquals(24, e.fixedMs(), 3);
        assertEquals(23, e.perMbMs(), 2);
    }

    @Test
    void neverNegativeAndIgnoresNonsense() {
        MessagePathEstimate e = new MessagePathEstimate(5, 5);
        for (int i = 0; i < 50; i++) e.observe(0.5 + i % 3, -4); // links faster than assumed: round trip below compute + link
        assertTrue(e.fixedMs() >= 0 && e.perMbMs() >= 0, e.toString());
        int n = e.samples();
        e.observe(Double.NaN, 10);
        e.observe(1, Double.POSITIVE_INFINITY);
        e.observe(-1, 10);
        assertEquals(n, e.samples());
    }

    @Test
    void aCopyIsIndependent() {
        MessagePathEstimate e = new MessagePathEstimate(12, 11.5);
        MessagePathEstimate c = e.copy();
        for (int i = 0; i < 20; i++) e.observe(1, 100);
        assertEquals(12, c.fixedMs(), 1e-9);
        assertEquals(0, c.samples());
    }
}
