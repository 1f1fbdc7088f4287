package io.edgefuse.allocator.cost;

import io.edgefuse.allocator.cluster.ClusterNode;
import io.edgefuse.allocator.cluster.DeviceProfile;
import io.edgefuse.allocator.cluster.LinkProfile;
import io.edgefuse.model.Model;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.plan.Cuts;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.region.RegionTensor;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks the cost model against reality: cuts a model into stages of roughly equal work, runs each whole
 * stage through a real executor (median of several runs after warm-up, so graph building is not
 * counted) and compares with the compute time the cost model predicts from a measured device profile.
 */
public final class CostValidation {
    public record StageCheck(String stage, int nodes, double gflop, double predictedMs, double measuredMs) {
        public double error() {
            return (predictedMs - measuredMs) / measuredMs;
        }
    }

    private CostValidation() {}

    public static List<StageCheck> run(Model m, Executor ex, DeviceProfile host, int parts, int runs) {
        ClusterNode node = new ClusterNode("host", host, new LinkProfile("local", 0, 1e6));
        CostModel cost = new CostModel(m);
        List<Stage> stages = equalWorkStages(m, parts);
        List<StageCheck> out = new ArrayList<>();
        Tensor current = Tensor.random(11, -1, 1, m.input().shape().dims());
        for (Stage s : stages) {
            TileCost predicted = cost.tile(s, null, node);
            Tensor in = current;
            Tensor result = ex.run(m, s, RegionTensor.whole(in), null);
            double[] t = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                ex.run(m, s, RegionTensor.whole(in), null);
                t[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(t);
            double predictedMs = predicted.computeSeconds() * 1000;
            out.add(new StageCheck(s.describe(m), s.size(), predicted.flops() / 1e9, predictedMs, t[runs / 2]));
            current = result;
        }
        return out;
    }

    /** Stages cut at valid points so that each holds about 1/parts of the model's FLOPs. */
    public static List<Stage> equalWorkStages(Model m, int parts) {
        double total = m.totalCost().flops(), acc = 0;
        List<Integer> ends = Cuts.validEnds(m);
        List<Stage> stages = new ArrayList<>();
        int first = 0, e = 0;
        for (int i = 0; i < m.size(); i++) {
            acc += m.cost(i).flops();
            while (e < ends.size() && ends.get(e) < i) e++;
            boolean validEnd = e < ends.size() && ends.get(e) == i;
            if (validEnd && (acc >= total * (stages.size() + 1) / parts || i == m.size() - 1)) {
                stages.add(Stage.of(m, first, i));
                first = i + 1;
            }
        }
        if (first < m.size()) stages.add(Stage.of(m, first, m.size() - 1));
        return stages;
    }
}
