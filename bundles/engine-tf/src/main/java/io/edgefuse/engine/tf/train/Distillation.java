package io.edgefuse.engine.tf.train;

import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;

/**
 * Knowledge distillation (Hinton et al. 2015) while training: the loss becomes
 * (1 - alpha) CE(label, student) + alpha T^2 KL(softmax(teacher / T) || softmax(student / T)). The teacher
 * runs in the same graph as the student, in inference mode (its batch norms use their running statistics,
 * its weights are constants), on the same (possibly augmented) batch. The T^2 factor keeps the soft term's
 * gradients on the scale of the hard one's as T changes. Standard for recovering pruned networks: the
 * unpruned model's soft outputs say more per image than the label does.
 *
 * @param teacher a model with weights, the same input and number of classes as the student
 * @param alpha weight of the soft term, in [0, 1]
 * @param temperature T > 0
 */
public record Distillation(Model teacher, double alpha, double temperature) {
    /** Hinton et al.'s usual setting for small nets: T = 4, alpha = 0.7. */
    public static final double ALPHA = 0.7, TEMPERATURE = 4;

    public Distillation {
        if (teacher == null) throw new IllegalArgumentException("distillation needs a teacher model");
        if (teacher.isGraphOnly()) throw new ModelException("teacher '" + teacher.name() + "' has no weights");
        if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("distillation weight alpha must be in [0, 1], got " + alpha);
        if (!(temperature > 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("distillation temperature must be > 0, got " + temperature);
    }

    /** The teacher with the usual alpha and temperature. */
    public static Distillation from(Model teacher) {
        return new Distillation(teacher, ALPHA, TEMPERATURE);
    }

    /** Refuses a teacher whose input or output does not match the student's. */
    void check(Model student) {
        if (!teacher.input().shape().equals(student.input().shape())) {
            throw new ModelException("teacher '" + teacher.name() + "' takes " + teacher.input().shape() + ", the student " + student.input().shape());
        }
        if (!teacher.outputShape().equals(student.outputShape())) {
            throw new ModelException("teacher '" + teacher.name() + "' outputs " + teacher.outputShape() + ", the student " + student.outputShape());
        }
    }
}
