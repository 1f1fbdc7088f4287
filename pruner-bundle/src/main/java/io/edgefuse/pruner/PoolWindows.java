package io.edgefuse.pruner;

import io.edgefuse.model.Shape;
import io.edgefuse.model.Window;

/** Enumerates, for each output position of a pool, the in-bounds input positions of its window. */
final class PoolWindows {

    interface Visitor {
        /** Called once per output position with the spatial indices (y * W + x) of its real inputs. */
        void visit(int outPos, int[] inPos, int count);
    }

    private PoolWindows() {}

    static void forEach(Window w, Shape in, Shape out, Visitor v) {
        int[] buf = new int[w.kh() * w.kw()];
        for (int oy = 0; oy < out.h(); oy++) {
            for (int ox = 0; ox < out.w(); ox++) {
                int n = 0;
                // Row-major window order: this is the order that decides max-pool ties (first wins).
                for (int ky = 0; ky < w.kh(); ky++) {
                    int gy = oy * w.sh() - w.pt() + ky;
                    if (gy < 0 || gy >= in.h()) continue;
                    for (int kx = 0; kx < w.kw(); kx++) {
                        int gx = ox * w.sw() - w.pl() + kx;
                        if (gx < 0 || gx >= in.w()) continue;
                        buf[n++] = gy * in.w() + gx;
                    }
                }
                v.visit(oy * out.w() + ox, buf, n);
            }
        }
    }

    /** out index -> in index of space_to_depth with the given stride (see Op.Reorg). */
    static int[] reorgSource(Shape in, Shape out, int s) {
        int c = in.c(), oc = out.c();
        int[] src = new int[(int) out.size()];
        for (int oy = 0; oy < out.h(); oy++) {
            for (int ox = 0; ox < out.w(); ox++) {
                for (int dy = 0; dy < s; dy++) {
                    for (int dx = 0; dx < s; dx++) {
                        int ib = ((oy * s + dy) * in.w() + (ox * s + dx)) * c;
                        int ob = (oy * out.w() + ox) * oc + (dy * s + dx) * c;
                        for (int k = 0; k < c; k++) src[ob + k] = ib + k;
                    }
                }
            }
        }
        return src;
    }
}
