package io.edgefuse.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgefuse.model.Model;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.exec.CapacityProbe;
import io.edgefuse.model.exec.CapacityProbe.Capacity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The relative probe on the conv layers of the node's model (the emulated cluster's nodes use it). */
class CapacityProbeTest {
    private static final Capacity REFERENCE = new Capacity(Map.of("conv", 100.0, "depthwise", 30.0, "pool", 5.0, "dense", 10.0, "elementwise", 4.0), 0.2, 0.5);

    @Test
    void convRateComesFromTheModelsConvLayersAndTheOtherClassesScaleWithIt() {
        Model m = new ModelBuilder(40, 40, 16, 3)
                .add("c1", Op.Conv2D.of(3, 1, Padding.SAME, 32), "input")
                .add("r1", new Op.Relu(), "c1")
                .add("c2", Op.Conv2D.of(3, 2, Padding.SAME, 64), "r1")
                .add("g", new Op.GlobalAvgPool(), "c2")
                .add("d", new Op.Dense(10, true), "g")
                .build("probe-model");
        try (TfExecutor tf = new TfExecutor(1, 1, 16)) {
            Capacity c = CapacityProbe.relativeTo(tf, REFERENCE, m);
            double conv = c.gflops().get("conv");
            assertTrue(conv > 0 && Double.isFinite(conv), "conv rate " + conv);
            double f = c.gflops().get("dense") / 10.0;
            for (String k : new String[] {"depthwise", "pool", "elementwise"}) {
                assertEquals(f, c.gflops().get(k) / REFERENCE.gflops().get(k), 1e-9 * f, k + " scales like dense");
            }
            assertEquals(REFERENCE.layerOverheadMs() / f, c.layerOverheadMs(), 1e-9 * c.layerOverheadMs());
            // A model without conv layers leaves the synthetic probe's structure: every class scaled by one factor.
            Model noConv = new ModelBuilder(1, 1, 32, 4).add("f", new Op.Flatten(), "input").add("d", new Op.Dense(8, true), "f").build("dense-only");
            Capacity d = CapacityProbe.relativeTo(tf, REFERENCE, noConv);
            double g = d.gflops().get("conv") / 100.0;
            assertEquals(g, d.gflops().get("dense") / 10.0, 1e-9 * g);
        }
    }
}
