package io.edgefuse.engine.tf.internal;

import java.util.List;

/** Explicit spatial padding of a 4-D NHWC operand. */
public record Pads(int top, int bottom, int left, int right) {

    public static final Pads NONE = new Pads(0, 0, 0, 0);

    public boolean isNone() {
        return top == 0 && bottom == 0 && left == 0 && right == 0;
    }

    /** TensorFlow's explicit_paddings attribute: a (before, after) pair per NHWC dimension. */
    public List<Long> explicitPaddings() {
        return List.of(0L, 0L, (long) top, (long) bottom, (long) left, (long) right, 0L, 0L);
    }

    public int[][] paddingMatrix() {
        return new int[][] {{0, 0}, {top, bottom}, {left, right}, {0, 0}};
    }
}
