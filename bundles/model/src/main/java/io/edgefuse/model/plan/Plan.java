package io.edgefuse.model.plan;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Shape;
import io.edgefuse.model.region.Region;
import java.util.List;

/**
 * How one inference runs: consecutive stages covering every node, each split into tiles that together
 * cover its output exactly once. {@link #validate} says precisely what is wrong with a plan.
 */
public record Plan(String planner, List<StagePlan> stages) {
    public Plan {
        stages = List.copyOf(stages);
    }

    public Plan validate(Model m) {
        int next = 0;
        for (StagePlan sp : stages) {
            Stage s = sp.stage();
            if (s.first() != next) throw new ModelException("plan: stage " + s.describe(m) + " should start at node " + next);
            next = s.last() + 1;
            if (sp.assignments().isEmpty()) throw new ModelException("plan: stage " + s.describe(m) + " has no assignment");
            if (!s.tileable()) {
                if (sp.assignments().size() != 1 || sp.assignments().get(0).region() != null) {
                    throw new ModelException("plan: stage " + s.describe(m) + " is not tileable and must run whole on one device");
                }
                continue;
            }
            Shape out = m.shape(s.last());
            Region full = Region.full(out);
            long area = 0;
            List<Assignment> as = sp.assignments();
            for (int i = 0; i < as.size(); i++) {
                Region r = as.get(i).region() == null ? full : as.get(i).region();
                if (!full.contains(r)) throw new ModelException("plan: tile " + r + " of stage " + s.describe(m) + " lies outside its " + out + " output");
                for (int j = 0; j < i; j++) {
                    Region q = as.get(j).region() == null ? full : as.get(j).region();
                    if (r.intersects(q)) throw new ModelException("plan: tiles " + q + " and " + r + " of stage " + s.describe(m) + " overlap");
                }
                area += r.area();
            }
            if (area != full.area()) throw new ModelException("plan: tiles of stage " + s.describe(m) + " cover " + area + " of " + full.area() + " positions");
        }
        if (next != m.size()) throw new ModelException("plan: stages end at node " + next + " of " + m.size());
        return this;
    }

    public int stageCount() {
        return stages.size();
    }
}
