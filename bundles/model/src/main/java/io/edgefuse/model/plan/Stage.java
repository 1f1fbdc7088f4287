package io.edgefuse.model.plan;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;

/**
 * A run of consecutive nodes [first, last] whose boundary is crossed by exactly one tensor in (the
 * {@link #input()}) and one tensor out (node {@code last}). Tileable when every node works on feature
 * maps, so its output can be split spatially; otherwise it runs whole on one device.
 */
public record Stage(int first, int last, String input, boolean tileable) {

    public static Stage of(Model m, int first, int last) {
        if (first < 0 || last >= m.size() || first > last) {
            throw new ModelException("stage [" + first + ", " + last + "] is outside the model's " + m.size() + " nodes");
        }
        String in = null;
        boolean tileable = true;
        for (int i = first; i <= last; i++) {
            Node n = m.node(i);
            for (String x : n.inputs()) {
                int j = m.indexOf(x);
                if (j < first) {
                    if (in != null && !in.equals(x)) {
                        throw new ModelException("stage [" + m.node(first).name() + " .. " + m.node(last).name() + "] is entered by two tensors, '" + in + "' and '" + x + "'");
                    }
                    in = x;
                }
            }
            if (!n.op().spatial() || !m.shape(i).isMap()) tileable = false;
            if (i < last) {
                for (int c : m.consumersOf(n.name())) {
                    if (c > last) {
                        throw new ModelException("stage [" + m.node(first).name() + " .. " + m.node(last).name() + "] is left by '" + n.name() + "' as well as by its last node");
                    }
                }
                if (n.name().equals(m.output())) throw new ModelException("the model output '" + n.name() + "' must end its stage");
            }
        }
        if (!m.shapeOf(in).isMap()) tileable = false;
        return new Stage(first, last, in, tileable);
    }

    public int size() {
        return last - first + 1;
    }

    public boolean contains(int nodeIndex) {
        return nodeIndex >= first && nodeIndex <= last;
    }

    public String describe(Model m) {
        return m.node(first).name() + ".." + m.node(last).name();
    }
}
