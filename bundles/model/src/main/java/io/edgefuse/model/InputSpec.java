package io.edgefuse.model;

/** The model's single input: its tensor name, [H, W, C] shape (layout NHWC, batch 1) and preprocessing. */
public record InputSpec(String name, Shape shape, Preprocessing preprocessing) {
    public InputSpec {
        if (!shape.isMap()) throw new ModelException("input shape must be [H, W, C], got " + shape);
        if (preprocessing.mean().length != shape.c()) {
            throw new ModelException("preprocessing has " + preprocessing.mean().length + " channels, input has " + shape.c());
        }
    }

    public static InputSpec of(int h, int w, int c) {
        return new InputSpec("input", Shape.map(h, w, c), Preprocessing.unit(c));
    }
}
