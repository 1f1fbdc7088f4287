package io.edgefuse.model.zoo;

import io.edgefuse.model.Model;
import java.util.Set;

/**
 * A zoo network before it has weights: the validated graph, plus the batch norms that end residual
 * branches (the weight generator damps those, see {@link SeededWeights}).
 */
record Blueprint(Model graph, Set<String> residualBranchEnds) {
    Blueprint {
        residualBranchEnds = Set.copyOf(residualBranchEnds);
    }

    static Blueprint of(String name, io.edgefuse.model.InputSpec input, java.util.List<String> labels, GraphBuilder b, String output) {
        return new Blueprint(Model.graphOnly(name, input, labels, b.nodes(), output), b.residualBranchEnds());
    }
}
