package io.edgefuse.model.region;

import io.edgefuse.model.Model;
import io.edgefuse.model.Node;
import io.edgefuse.model.Shape;
import io.edgefuse.model.Window;
import io.edgefuse.model.plan.Stage;

/**
 * For one tile of a stage: the output region each node of the stage must compute and the region of the
 * stage's input it needs. Regions are walked back from the tile through every layer (kernel, stride,
 * padding) and clipped to each feature map, so padding applies only at the map's real borders. Where a
 * tensor feeds several nodes (residual blocks) the needed regions are joined.
 */
public final class StageGeometry {
    private final Stage stage;
    private final Region[] nodeRegions;
    private final Region inputRegion;

    private StageGeometry(Stage stage, Region[] nodeRegions, Region inputRegion) {
        this.stage = stage;
        this.nodeRegions = nodeRegions;
        this.inputRegion = inputRegion;
    }

    /** @param out the tile of the stage's output; null for the whole output */
    public static StageGeometry of(Model m, Stage stage, Region out) {
        Region[] regions = new Region[stage.size()];
        if (!stage.tileable()) return new StageGeometry(stage, regions, null);
        Region input = null;
        regions[stage.size() - 1] = out != null ? out : Region.full(m.shape(stage.last()));
        for (int i = stage.last(); i >= stage.first(); i--) {
            Region r = regions[i - stage.first()];
            if (r == null) continue;
            Node n = m.node(i);
            Window w = m.window(i);
            for (String x : n.inputs()) {
                Region need = inputRegion(w, r, m.shapeOf(x));
                int j = m.indexOf(x);
                if (stage.contains(j)) {
                    regions[j - stage.first()] = need.union(regions[j - stage.first()]);
                } else {
                    input = need.union(input);
                }
            }
        }
        return new StageGeometry(stage, regions, input);
    }

    /** The input rows and columns a window needs to produce {@code out}, clipped to the input map. */
    public static Region inputRegion(Window w, Region out, Shape in) {
        int top = Math.max(0, out.top() * w.sh() - w.pt());
        int bottom = Math.min(in.h(), (out.bottom() - 1) * w.sh() - w.pt() + w.kh());
        int left = Math.max(0, out.left() * w.sw() - w.pl());
        int right = Math.min(in.w(), (out.right() - 1) * w.sw() - w.pl() + w.kw());
        return new Region(top, bottom, left, right);
    }

    public Stage stage() {
        return stage;
    }

    /** Region of node {@code nodeIndex}'s output to compute; null when the tile does not need the node (or the stage is not tileable). */
    public Region regionOf(int nodeIndex) {
        return nodeRegions[nodeIndex - stage.first()];
    }

    /** Region of the stage input the tile needs; null when the stage takes its input whole. */
    public Region inputRegion() {
        return inputRegion;
    }

    public Region outputRegion() {
        return nodeRegions[nodeRegions.length - 1];
    }
}
