package io.edgefuse.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WeightPolicyTest {
    @Test
    void followsTensorFlowsOneDnnSwitch() {
        assertEquals(WeightPolicy.FEED_ALL, WeightPolicy.of("0", "amd64"));
        assertEquals(WeightPolicy.FEED_ALL, WeightPolicy.of(" false ", "amd64"));
        assertEquals(WeightPolicy.CONSTANT_FILTERS, WeightPolicy.of("1", "aarch64"));
        assertEquals(WeightPolicy.CONSTANT_FILTERS, WeightPolicy.of("TRUE", "aarch64"));
        // Unset (or unreadable): TensorFlow's own default, oneDNN on x86-64, Eigen elsewhere.
        assertEquals(WeightPolicy.CONSTANT_FILTERS, WeightPolicy.of(null, "amd64"));
        assertEquals(WeightPolicy.CONSTANT_FILTERS, WeightPolicy.of("maybe", "x86_64"));
        assertEquals(WeightPolicy.FEED_ALL, WeightPolicy.of(null, "aarch64"));
        assertEquals(WeightPolicy.FEED_ALL, WeightPolicy.of("", "arm"));
    }

    @Test
    void eigenFeedsFiltersAndDenseWeightsButNotVectors() {
        assertTrue(WeightPolicy.FEED_ALL.feeds(3 * 3 * 16 * 32, 4));
        assertTrue(WeightPolicy.FEED_ALL.feeds(4096 * 10, 2));
        assertFalse(WeightPolicy.FEED_ALL.feeds(1024, 1), "a bias stays a constant");
        assertFalse(WeightPolicy.FEED_ALL.feeds(3 * 3 * 3 * 16, 4), "a tiny filter stays a constant");
    }

    @Test
    void oneDnnKeepsFiltersConstantAndFeedsLargeDenseWeights() {
        assertFalse(WeightPolicy.CONSTANT_FILTERS.feeds(3 * 3 * 1024 * 1024, 4), "YOLOv2's largest filter stays a constant");
        assertTrue(WeightPolicy.CONSTANT_FILTERS.feeds(3072L * 3072, 2));
        assertFalse(WeightPolicy.CONSTANT_FILTERS.feeds(4096L * 10, 2));
        assertTrue(WeightPolicy.CONSTANT_FILTERS.feeds(25088L * 4096, 2));
        assertTrue(WeightPolicy.CONSTANT_FILTERS.feeds(1L << 24, 4), "a giant weight of any rank is fed");
    }
}
