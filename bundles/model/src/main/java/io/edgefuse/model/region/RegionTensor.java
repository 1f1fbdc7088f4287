package io.edgefuse.model.region;

import io.edgefuse.model.ModelException;
import io.edgefuse.model.tensor.Tensor;

/**
 * A tensor that holds one region of a feature map ([region.height, region.width, C]); region null means
 * the whole tensor (vectors, or a map not split).
 */
public record RegionTensor(Region region, Tensor tensor) {

    public RegionTensor {
        if (region != null) {
            if (tensor.rank() != 3 || tensor.dim(0) != region.height() || tensor.dim(1) != region.width()) {
                throw new ModelException("tensor " + tensor + " does not match " + region);
            }
        }
    }

    public static RegionTensor whole(Tensor t) {
        return new RegionTensor(null, t);
    }

    /** The covered region, or the whole map when region is null. */
    public Region extent() {
        return region != null ? region : new Region(0, tensor.dim(0), 0, tensor.dim(1));
    }

    /** Copies out a sub-region (global coordinates); it must lie inside this tensor's region. */
    public Tensor crop(Region r) {
        Region e = extent();
        if (!e.contains(r)) throw new ModelException("region " + r + " is not inside " + e);
        int c = tensor.dim(2), w = e.width();
        Tensor out = Tensor.zeros(r.height(), r.width(), c);
        float[] src = tensor.data(), dst = out.data();
        int rowLen = r.width() * c;
        for (int y = 0; y < r.height(); y++) {
            int s = (((r.top() - e.top()) + y) * w + (r.left() - e.left())) * c;
            System.arraycopy(src, s, dst, y * rowLen, rowLen);
        }
        return out;
    }

    /** Writes a tile into a full map at its region. */
    public static void paste(Tensor full, Region r, Tensor tile) {
        int c = full.dim(2), w = full.dim(1);
        if (tile.dim(0) != r.height() || tile.dim(1) != r.width() || tile.dim(2) != c) {
            throw new ModelException("tile " + tile + " does not fit " + r + " with " + c + " channels");
        }
        int rowLen = r.width() * c;
        for (int y = 0; y < r.height(); y++) {
            System.arraycopy(tile.data(), y * rowLen, full.data(), ((r.top() + y) * w + r.left()) * c, rowLen);
        }
    }
}
