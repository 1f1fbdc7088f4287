package io.edgefuse.model.plan;

import io.edgefuse.model.ModelException;
import io.edgefuse.model.region.Region;
import java.util.ArrayList;
import java.util.List;

/** Splits a feature map into tiles: row stripes of given weights, or a 2-D grid of bands. */
public final class Tiling {
    private Tiling() {}

    /** Integer sizes proportional to weights, each at least 1, summing to total (largest remainder). */
    public static int[] proportional(int total, double[] weights) {
        int n = weights.length;
        if (n > total) throw new ModelException("cannot split " + total + " rows or columns into " + n + " non-empty parts");
        double sum = 0;
        for (double w : weights) {
            if (!(w > 0)) throw new ModelException("split weights must be positive");
            sum += w;
        }
        int[] sizes = new int[n];
        double[] rem = new double[n];
        int used = 0;
        for (int i = 0; i < n; i++) {
            double exact = (total - n) * weights[i] / sum;
            sizes[i] = 1 + (int) Math.floor(exact);
            rem[i] = exact - Math.floor(exact);
            used += sizes[i];
        }
        while (used < total) {
            int best = 0;
            for (int i = 1; i < n; i++) if (rem[i] > rem[best]) best = i;
            sizes[best]++;
            rem[best] = -1;
            used++;
        }
        return sizes;
    }

    /** Horizontal stripes, top to bottom, with heights proportional to weights. */
    public static List<Region> stripes(int h, int w, double[] weights) {
        int[] sizes = proportional(h, weights);
        List<Region> out = new ArrayList<>();
        int top = 0;
        for (int s : sizes) {
            out.add(new Region(top, top + s, 0, w));
            top += s;
        }
        return out;
    }

    /**
     * A grid of horizontal bands, band b split into columns[b] tiles; band heights and tile widths
     * proportional to the given weights (tiles numbered band by band, left to right).
     */
    public static List<Region> grid(int h, int w, int[] columns, double[] weights) {
        double[] bandW = new double[columns.length];
        int k = 0;
        for (int b = 0; b < columns.length; b++) {
            for (int c = 0; c < columns[b]; c++) bandW[b] += weights[k++];
        }
        List<Region> bands = stripes(h, w, bandW);
        List<Region> out = new ArrayList<>();
        k = 0;
        for (int b = 0; b < columns.length; b++) {
            double[] cw = new double[columns[b]];
            for (int c = 0; c < columns[b]; c++) cw[c] = weights[k++];
            int[] widths = proportional(w, cw);
            int left = 0;
            for (int width : widths) {
                out.add(new Region(bands.get(b).top(), bands.get(b).bottom(), left, left + width));
                left += width;
            }
        }
        return out;
    }
}
