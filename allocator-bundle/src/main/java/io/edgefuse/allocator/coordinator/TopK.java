package io.edgefuse.allocator.coordinator;

import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.protocol.Answer;
import java.util.ArrayList;
import java.util.List;

/** The k highest scores of a model's output vector, with the model's labels (or "class_i"). */
public final class TopK {
    private TopK() {}

    public static List<Answer.Label> of(Tensor output, List<String> labels, int k) {
        float[] v = output.data();
        List<Answer.Label> out = new ArrayList<>();
        if (output.rank() != 1) return out;
        boolean[] taken = new boolean[v.length];
        for (int n = 0; n < Math.min(k, v.length); n++) {
            int best = -1;
            for (int i = 0; i < v.length; i++) if (!taken[i] && (best < 0 || v[i] > v[best])) best = i;
            taken[best] = true;
            out.add(new Answer.Label(best < labels.size() ? labels.get(best) : "class_" + best, v[best]));
        }
        return out;
    }
}
