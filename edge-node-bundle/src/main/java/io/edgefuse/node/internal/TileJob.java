package io.edgefuse.node.internal;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Shape;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.region.StageGeometry;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.protocol.ErrorCode;
import io.edgefuse.protocol.ProtocolException;
import io.edgefuse.protocol.TaskFrame;
import java.util.Arrays;

/**
 * A task checked against the model it names, ready for the executor. Every check that the executor
 * would otherwise fail deep inside (or, for native engines, not at all) happens here, so a bad task
 * costs a message rather than a crash: a stage or region the model does not have is BAD_REQUEST, a
 * tensor that does not fit its region or the stage's input is WRONG_SHAPE.
 */
record TileJob(Model model, Stage stage, RegionTensor input, Region out, double flops) {

    static TileJob of(Model m, TaskFrame t) {
        Stage stage;
        try {
            stage = Stage.of(m, t.first(), t.last());
        } catch (ModelException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
        Shape inShape = m.shapeOf(stage.input()), outShape = m.shape(stage.last());
        Tensor x = t.input();
        if (!stage.tileable()) {
            if (t.inputRegion() != null || t.outputRegion() != null) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "stage " + stage.describe(m) + " is not tileable and runs whole; its task must carry no regions");
            }
            requireShape(x, inShape.dims(), "stage " + stage.describe(m) + " input");
            return new TileJob(m, stage, RegionTensor.whole(x), null, stageFlops(m, stage));
        }
        Region out = t.outputRegion();
        if (out != null) requireInside(out, outShape, "output region", stage, m);
        RegionTensor in;
        if (t.inputRegion() == null) {
            requireShape(x, inShape.dims(), "stage " + stage.describe(m) + " input (no input region: the whole map)");
            in = RegionTensor.whole(x);
        } else {
            Region r = t.inputRegion();
            requireInside(r, inShape, "input region", stage, m);
            requireShape(x, new int[] {r.height(), r.width(), inShape.c()}, "input tile for " + r);
            in = new RegionTensor(r, x);
        }
        Region needed = StageGeometry.of(m, stage, out).inputRegion();
        if (needed != null && !in.extent().contains(needed)) {
            throw new ProtocolException(ErrorCode.WRONG_SHAPE, "stage " + stage.describe(m) + " needs input " + needed + " for output " + out + ", the task carries " + in.extent());
        }
        double flops = stageFlops(m, stage);
        // The tile's share of the stage's FLOPs, scaled by output area; halo recomputation is not counted.
        if (out != null) flops *= (double) out.area() / Region.full(outShape).area();
        return new TileJob(m, stage, in, out, flops);
    }

    private static double stageFlops(Model m, Stage s) {
        double f = 0;
        for (int i = s.first(); i <= s.last(); i++) f += m.cost(i).flops();
        return f;
    }

    private static void requireShape(Tensor x, int[] want, String what) {
        if (!Arrays.equals(x.shape(), want)) {
            throw new ProtocolException(ErrorCode.WRONG_SHAPE, what + " must be " + Arrays.toString(want) + ", the task carries " + Arrays.toString(x.shape()));
        }
    }

    private static void requireInside(Region r, Shape map, String what, Stage s, Model m) {
        if (!map.isMap() || !Region.full(map).contains(r)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, what + " " + r + " lies outside the " + map + " feature map of stage " + s.describe(m));
        }
    }
}
