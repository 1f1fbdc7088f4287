package io.edgefuse.node.testing;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.Padding;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.Region;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.region.StageGeometry;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.protocol.DType;
import io.edgefuse.protocol.TaskFrame;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A tiny CNN (conv 3x3, relu, maxpool 2x2, conv 3x3 stride 2, global pool, dense) and tile tasks for it. */
public final class TestModels {
    private TestModels() {}

    public static Model tiny(long seed) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("c1.weight", Tensor.random(seed, -0.5f, 0.5f, 3, 3, 3, 8));
        w.put("c1.bias", Tensor.random(seed + 1, -0.1f, 0.1f, 8));
        w.put("c2.weight", Tensor.random(seed + 2, -0.5f, 0.5f, 3, 3, 8, 6));
        w.put("c2.bias", Tensor.random(seed + 3, -0.1f, 0.1f, 6));
        w.put("d.weight", Tensor.random(seed + 4, -0.5f, 0.5f, 6, 4));
        w.put("d.bias", Tensor.zeros(4));
        List<Node> nodes = List.of(
                Node.of("c1", new Op.Conv2D(3, 3, 1, 1, Padding.SAME, 8, 1, true), "input"),
                Node.of("r1", new Op.Relu(), "c1"),
                Node.of("p1", new Op.MaxPool(2, 2, 2, 2, Padding.VALID), "r1"),
                Node.of("c2", new Op.Conv2D(3, 3, 2, 2, Padding.SAME, 6, 1, true), "p1"),
                Node.of("g", new Op.GlobalAvgPool(), "c2"),
                Node.of("d", new Op.Dense(4, true), "g"));
        return new Model("tiny", InputSpec.of(16, 16, 3), List.of("a", "b", "c", "d"), nodes, "d", w);
    }

    /** A task for rows [top, bottom) of stage [first, last]'s output, carrying exactly the input region it needs. */
    public static TaskFrame tile(Model m, String request, String task, int first, int last, Tensor stageInput, int top, int bottom, long deadline) {
        Stage s = Stage.of(m, first, last);
        Region out = new Region(top, bottom, 0, m.shape(last).w());
        Region in = StageGeometry.of(m, s, out).inputRegion();
        return new TaskFrame(request, task, m.name(), m.version(), first, last, in, out, deadline, RegionTensor.whole(stageInput).crop(in));
    }

    public static byte[] encode(TaskFrame t) {
        return t.encode(DType.FLOAT32);
    }
}
