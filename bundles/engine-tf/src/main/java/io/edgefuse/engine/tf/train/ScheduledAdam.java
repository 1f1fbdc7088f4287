package io.edgefuse.engine.tf.train;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Adam (Kingma and Ba) on tensorflow-framework's {@link Optimizer} (gradients, slot variables) and TF's
 * ApplyAdam kernel, exactly as the framework's {@code Adam} does, except that the learning rate is an
 * operand fed at every step: the framework's Adam bakes it into the graph as a constant, which rules out
 * a schedule.
 */
final class ScheduledAdam extends Optimizer {
    static final float BETA1 = 0.9f, BETA2 = 0.999f, EPSILON = 1e-7f;

    private final Operand<TFloat32> learningRate;
    private Variable<TFloat32> beta1Power, beta2Power;

    ScheduledAdam(Graph g, Operand<TFloat32> learningRate) {
        super(g);
        this.learningRate = learningRate;
    }

    @Override
    protected void createSlots(List<Output<? extends TType>> variables) {
        for (Output<? extends TType> v : variables) {
            Output<TFloat32> var = asFloat(v);
            createSlot(var, "m", tf.fill(tf.shape(var), tf.constant(0f)));
            createSlot(var, "v", tf.fill(tf.shape(var), tf.constant(0f)));
        }
        Ops init = tf.withInitScope();
        beta1Power = init.withName("beta1_power").variable(Shape.scalar(), TFloat32.class);
        init.assign(beta1Power, init.constant(BETA1));
        beta2Power = init.withName("beta2_power").variable(Shape.scalar(), TFloat32.class);
        init.assign(beta2Power, init.constant(BETA2));
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T extends TType> Op applyDense(Ops ops, Output<T> gradient, Output<T> variable) {
        Output<TFloat32> var = asFloat(variable);
        Variable<TFloat32> m = getSlot(var, "m").orElseThrow();
        Variable<TFloat32> v = getSlot(var, "v").orElseThrow();
        return ops.train.applyAdam(var, m, v, beta1Power, beta2Power, learningRate, ops.constant(BETA1), ops.constant(BETA2),
                ops.constant(EPSILON), (Operand<TFloat32>) gradient);
    }

    /** After all variables are updated, the bias-correction powers move on one step. */
    @Override
    protected Op finish(List<Op> updates, String name) {
        Ops after = tf.withControlDependencies(updates);
        Op b1 = after.assign(beta1Power, after.math.mul(beta1Power, after.constant(BETA1)));
        Op b2 = after.assign(beta2Power, after.math.mul(beta2Power, after.constant(BETA2)));
        return super.finish(List.of(b1, b2), name);
    }

    @Override
    public String getOptimizerName() {
        return "Adam";
    }

    @SuppressWarnings("unchecked")
    private static Output<TFloat32> asFloat(Output<? extends TType> o) {
        if (o.type() != TFloat32.class) throw new IllegalStateException("only float32 variables are trained, got " + o.type());
        return (Output<TFloat32>) o;
    }
}
