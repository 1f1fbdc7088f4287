package io.edgefuse.model.plan;

import io.edgefuse.model.Model;
import java.util.ArrayList;
import java.util.List;

/** Where a model may be cut into stages, and how far its tileable (spatial) prefix reaches. */
public final class Cuts {
    private Cuts() {}

    /**
     * Node indices i such that a stage may end at i: every tensor made before node i (and the input)
     * is read by no node after i, so only node i's output crosses the cut.
     */
    public static List<Integer> validEnds(Model m) {
        int n = m.size();
        int[] lastUse = new int[n + 1]; // slot 0 is the input, slot k+1 node k
        for (int i = 0; i < n; i++) {
            lastUse[i + 1] = i;
            for (String x : m.node(i).inputs()) {
                int j = m.indexOf(x) + 1;
                lastUse[j] = Math.max(lastUse[j], i);
            }
        }
        List<Integer> ends = new ArrayList<>();
        int reach = lastUse[0];
        for (int i = 0; i < n; i++) {
            if (reach <= i) ends.add(i);
            reach = Math.max(reach, lastUse[i + 1]);
        }
        return ends;
    }

    /** The last node of the longest tileable prefix that ends at a valid cut; -1 when none. */
    public static int spatialPrefixEnd(Model m) {
        int best = -1;
        for (int end : validEnds(m)) {
            boolean ok = true;
            for (int i = 0; i <= end && ok; i++) ok = m.node(i).op().spatial() && m.shape(i).isMap();
            if (ok) best = end;
        }
        return best;
    }
}
