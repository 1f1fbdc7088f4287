package io.edgefuse.model.plan;

import java.util.List;

/** A stage and the tiles of its output, one per device taking part. */
public record StagePlan(Stage stage, List<Assignment> assignments) {
    public StagePlan {
        assignments = List.copyOf(assignments);
    }
}
