package io.edgefuse.model.region;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.Shape;
import io.edgefuse.model.Window;
import io.edgefuse.model.plan.Cuts;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageGeometryTest {

    @Test
    void windowWalksBackWithStrideAndPaddingAndClips() {
        Window w = new Window(3, 3, 2, 2, 1, 1, 1, 1);
        Shape in = Shape.map(16, 16, 1);
        assertEquals(new Region(0, 6, 0, 16), StageGeometry.inputRegion(w, new Region(0, 3, 0, 8), in));
        assertEquals(new Region(5, 16, 0, 16), StageGeometry.inputRegion(w, new Region(3, 8, 0, 8), in));
    }

    @Test
    void residualBranchesJoinTheirNeeds() {
        Op.Conv2D c3 = new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 2, 1, false);
        Model m = new Model("t", InputSpec.of(10, 10, 2), List.of(), List.of(
                Node.of("a", new Op.Relu(), "input"),
                Node.of("b", c3, "a"),
                Node.of("c", c3, "b"),
                Node.of("sum", new Op.Add(), "a", "c")), null,
                Map.of("b.weight", Tensor.zeros(3, 3, 2, 2), "c.weight", Tensor.zeros(3, 3, 2, 2)));
        StageGeometry g = StageGeometry.of(m, Stage.of(m, 0, 3), new Region(4, 6, 0, 10));
        assertEquals(new Region(4, 6, 0, 10), g.regionOf(3));
        assertEquals(new Region(3, 7, 0, 10), g.regionOf(1));
        assertEquals(new Region(2, 8, 0, 10), g.regionOf(0), "a feeds both the shortcut and the two convs");
        assertEquals(new Region(2, 8, 0, 10), g.inputRegion());
        assertEquals(List.of(0, 3), Cuts.validEnds(m), "no cut inside the residual block");
    }
}
