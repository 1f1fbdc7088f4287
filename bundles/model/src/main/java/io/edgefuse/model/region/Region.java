package io.edgefuse.model.region;

import io.edgefuse.model.ModelException;
import io.edgefuse.model.Shape;

/** A rectangle of a feature map in global coordinates: rows [top, bottom), columns [left, right); all channels. */
public record Region(int top, int bottom, int left, int right) {

    public Region {
        if (top < 0 || left < 0 || bottom <= top || right <= left) {
            throw new ModelException("empty or negative region rows [" + top + "," + bottom + ") cols [" + left + "," + right + ")");
        }
    }

    public static Region full(Shape s) {
        return new Region(0, s.h(), 0, s.w());
    }

    public int height() {
        return bottom - top;
    }

    public int width() {
        return right - left;
    }

    public long area() {
        return (long) height() * width();
    }

    public Region union(Region o) {
        if (o == null) return this;
        return new Region(Math.min(top, o.top), Math.max(bottom, o.bottom), Math.min(left, o.left), Math.max(right, o.right));
    }

    public boolean contains(Region o) {
        return o.top >= top && o.bottom <= bottom && o.left >= left && o.right <= right;
    }

    public boolean intersects(Region o) {
        return top < o.bottom && o.top < bottom && left < o.right && o.left < right;
    }

    @Override
    public String toString() {
        return "rows[" + top + "," + bottom + ") cols[" + left + "," + right + ")";
    }
}
