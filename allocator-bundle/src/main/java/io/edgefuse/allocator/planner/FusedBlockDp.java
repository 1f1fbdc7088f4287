package io.edgefuse.allocator.planner;

import io.edgefuse.model.Model;
import io.edgefuse.model.plan.Cuts;
import io.edgefuse.model.plan.Plan;
import io.edgefuse.model.plan.Stage;
import io.edgefuse.model.plan.StagePlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Dynamic programming over cut points: the best plan ending at cut e is the best plan ending at an
 * earlier cut p plus the best layout of stage (p, e]. Stages run one after another, so latencies add.
 */
final class FusedBlockDp {
    private FusedBlockDp() {}

    static Plan solve(String name, Model m, Function<Stage, StageOptions.Costed> layout) {
        List<Integer> ends = Cuts.validEnds(m);
        int k = ends.size();
        double[] best = new double[k];
        int[] from = new int[k];
        StagePlan[] chosen = new StagePlan[k];
        for (int j = 0; j < k; j++) {
            best[j] = Double.POSITIVE_INFINITY;
            for (int i = -1; i < j; i++) {
                double before = i < 0 ? 0 : best[i];
                if (before == Double.POSITIVE_INFINITY) continue;
                int first = i < 0 ? 0 : ends.get(i) + 1;
                StageOptions.Costed c = layout.apply(Stage.of(m, first, ends.get(j)));
                if (c == null) continue;
                double total = before + c.makespan();
                if (total < best[j]) {
                    best[j] = total;
                    from[j] = i;
                    chosen[j] = c.plan();
                }
            }
        }
        if (best[k - 1] == Double.POSITIVE_INFINITY) {
            throw new IllegalStateException(name + ": no feasible plan (does any node have memory for the model?)");
        }
        List<StagePlan> stages = new ArrayList<>();
        for (int j = k - 1; j >= 0; j = from[j]) stages.add(chosen[j]);
        Collections.reverse(stages);
        return new Plan(name, stages);
    }
}
