package io.edgefuse.engine.tf.train;

import io.edgefuse.engine.tf.internal.LayerOps;
import io.edgefuse.engine.tf.internal.PlainGraphBuilder;
import io.edgefuse.engine.tf.internal.SessionConfig;
import io.edgefuse.model.Model;
import io.edgefuse.model.ModelException;
import io.edgefuse.model.Node;
import io.edgefuse.model.Op;
import io.edgefuse.model.tensor.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Momentum;
import org.tensorflow.framework.optimizers.Optimizer.GradAndVar;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * One model's training graph and session: every weight a variable initialised from the model, the
 * forward pass built by {@link PlainGraphBuilder#forward} (the same op mapping inference uses) except
 * batch norm, which normalises by the batch's statistics; softmax cross-entropy on the logits plus L2
 * weight decay; the optimizer's update. Batch-norm moving averages are kept here in Java, updated from
 * the batch statistics each step, and written into the model's mean and variance tensors.
 */
final class TrainingGraph implements AutoCloseable {
    /** One batch norm: its batch statistics in the graph and its moving averages in Java. */
    private record Norm(String node, Output<TFloat32> batchMean, Output<TFloat32> batchVariance, float[] mean, float[] variance) {}

    private final Model model;
    private final TrainConfig config;
    private final Graph graph = new Graph();
    private final Ops tf;
    private final Map<Tensor, String> keyOf = new IdentityHashMap<>();
    private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
    private final List<Norm> norms = new ArrayList<>();
    private final Operand<TFloat32> x, y, learningRate, loss;
    private final org.tensorflow.op.Op train;
    private final Session session;
    private final int[] inputDims;
    private final int classes;

    TrainingGraph(Model model, TrainConfig config, int classes) {
        this(model, config, classes, null);
    }

    /** @param distill a teacher to distil from, or null for the plain cross-entropy */
    TrainingGraph(Model model, TrainConfig config, int classes, Distillation distill) {
        this.model = model;
        this.config = config;
        this.classes = classes;
        this.inputDims = model.input().shape().dims();
        try {
            refuseUntrainable(model);
            for (Map.Entry<String, Tensor> e : model.weights().entrySet()) keyOf.put(e.getValue(), e.getKey());
            LayerOps ops = new LayerOps(graph, this::variable);
            tf = ops.tf();
            x = ops.batchPlaceholder(inputDims);
            y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, classes)));
            learningRate = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            Map<String, Operand<TFloat32>> values = PlainGraphBuilder.forward(model, ops, x, this::trainingBatchNorm);
            Operand<TFloat32> logits = values.get(logitsNode(model));
            Operand<TFloat32> crossEntropy = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, y).loss(), tf.constant(0));
            if (distill != null) {
                distill.check(model);
                crossEntropy = distilled(crossEntropy, logits, distill, new LayerOps(graph));
            }
            loss = config.weightDecay() > 0 ? tf.math.add(crossEntropy, weightDecay()) : crossEntropy;
            train = optimizerStep();
            session = new Session(graph, SessionConfig.of(config.threads(), 1));
        } catch (RuntimeException | Error e) {
            graph.close();
            throw e;
        }
    }

    /**
     * (1 - alpha) x the hard loss + alpha T^2 KL(p_T || q_T): the teacher's forward pass on the same input with its
     * weights as constants (so no gradient reaches it), KL as the soft cross-entropy minus the teacher's entropy
     * (a constant for the gradient, kept so that the reported loss is 0 when the student matches the teacher).
     */
    private Operand<TFloat32> distilled(Operand<TFloat32> hard, Operand<TFloat32> logits, Distillation d, LayerOps constants) {
        Model teacher = d.teacher();
        Operand<TFloat32> teacherLogits = PlainGraphBuilder.forward(teacher, constants, x, (i, ins) -> null).get(logitsNode(teacher));
        Operand<TFloat32> t = tf.constant((float) d.temperature());
        Operand<TFloat32> p = tf.stopGradient(tf.nn.softmax(tf.math.div(teacherLogits, t)));
        Operand<TFloat32> softCe = tf.nn.softmaxCrossEntropyWithLogits(tf.math.div(logits, t), p).loss();
        Operand<TFloat32> entropy = tf.math.neg(tf.reduceSum(tf.math.mul(p, tf.math.log(tf.math.maximum(p, tf.constant(1e-30f)))), tf.constant(1)));
        Operand<TFloat32> kl = tf.math.mean(tf.math.sub(softCe, entropy), tf.constant(0));
        float a = (float) d.alpha(), t2 = (float) (d.temperature() * d.temperature());
        return tf.math.add(tf.math.mul(hard, tf.constant(1 - a)), tf.math.mul(kl, tf.constant(a * t2)));
    }

    /** The node whose output is the logits: the softmax's input, or the output if it is not a softmax. */
    static String logitsNode(Model m) {
        Node out = m.node(m.indexOf(m.output()));
        return out.op() instanceof Op.Softmax ? out.input() : out.name();
    }

    private static void refuseUntrainable(Model m) {
        for (int i = 0; i < m.size(); i++) {
            Node n = m.node(i);
            if (n.op() instanceof Op.Conv2D c && c.groups() != 1 && c.groups() != m.shapeOf(n.input()).c()) {
                throw new ModelException("node '" + n.name() + "': training supports plain and depthwise convolutions, not " + c.groups() + " groups");
            }
        }
    }

    /** A variable per model tensor, created on first use and initialised from the tensor's values. */
    private Operand<TFloat32> variable(Tensor value, long... tfShape) {
        String key = keyOf.get(value);
        if (key == null) throw new IllegalStateException("tensor is not one of the model's weights");
        return variables.computeIfAbsent(key, k -> tf.withName(safeName(k)).variable(
                tf.withInitScope().constant(Shape.of(tfShape), DataBuffers.of(value.data(), true, false))));
    }

    /** TF op names allow [A-Za-z0-9_.-] (no '/' with withName); anything else becomes '_'. */
    private static String safeName(String key) {
        return "w_" + key.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** Batch norm in training mode: normalised by the batch's mean and (biased) variance per channel. */
    private Operand<TFloat32> trainingBatchNorm(int i, List<Operand<TFloat32>> ins) {
        Node n = model.node(i);
        if (!(n.op() instanceof Op.BatchNorm bn)) return null;
        String p = n.name() + ".";
        Operand<TFloat32> in = ins.get(0);
        int[] axes = model.shapeOf(n.input()).isMap() ? new int[] {0, 1, 2} : new int[] {0};
        Operand<TFloat32> mean = tf.math.mean(in, tf.constant(axes));
        Operand<TFloat32> var = tf.math.mean(tf.math.squaredDifference(in, mean), tf.constant(axes));
        Tensor gammaT = model.weight(p + "gamma"), betaT = model.weight(p + "beta");
        int c = gammaT.size();
        Operand<TFloat32> gamma = variable(gammaT, c), beta = variable(betaT, c);
        Operand<TFloat32> scale = tf.math.mul(gamma, tf.math.rsqrt(tf.math.add(var, tf.constant((float) bn.epsilon()))));
        Operand<TFloat32> shift = tf.math.sub(beta, tf.math.mul(mean, scale));
        norms.add(new Norm(n.name(), mean.asOutput(), var.asOutput(),
                model.weight(p + "mean").data().clone(), model.weight(p + "variance").data().clone()));
        return tf.math.add(tf.math.mul(in, scale), shift);
    }

    private Operand<TFloat32> weightDecay() {
        List<Operand<TFloat32>> terms = new ArrayList<>();
        for (Node n : model.nodes()) {
            if (n.op() instanceof Op.Conv2D || n.op() instanceof Op.Dense) {
                Variable<TFloat32> w = variables.get(n.name() + ".weight");
                if (w != null) terms.add(tf.nn.l2Loss(w));
            }
        }
        Operand<TFloat32> sum = terms.size() == 1 ? terms.get(0) : tf.math.addN(terms);
        return tf.math.mul(sum, tf.constant((float) config.weightDecay()));
    }

    /**
     * Adam with the learning rate fed each step; or the framework's Momentum at rate 1 on gradients
     * scaled by the learning rate, which is plain SGD with momentum whose rate can change between steps.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private org.tensorflow.op.Op optimizerStep() {
        if (config.optimizer() == TrainConfig.Optimizer.ADAM) return new ScheduledAdam(graph, learningRate).minimize(loss);
        Momentum sgd = new Momentum(graph, 1f, (float) config.momentum(), false);
        List<GradAndVar<?>> grads = sgd.computeGradients(loss);
        List<GradAndVar<?>> scaled = new ArrayList<>();
        for (GradAndVar<?> gv : grads) {
            Output<TFloat32> g = (Output<TFloat32>) gv.getGradient();
            scaled.add(new GradAndVar(tf.math.mul(g, learningRate).asOutput(), gv.getVariable()));
        }
        return sgd.applyGradients((List) scaled, "Momentum");
    }

    /** One optimizer step on a batch of {@code count} images; returns the batch's loss. */
    double step(float[] images, float[] labels, int count, double lr) {
        long pixels = (long) inputDims[0] * inputDims[1] * inputDims[2];
        try (TFloat32 xb = TFloat32.tensorOf(Shape.of(count, inputDims[0], inputDims[1], inputDims[2]), DataBuffers.of(images, true, false).narrow(count * pixels));
             TFloat32 yb = TFloat32.tensorOf(Shape.of(count, classes), DataBuffers.of(labels, true, false).narrow((long) count * classes));
             TFloat32 rate = TFloat32.scalarOf((float) lr)) {
            Session.Runner r = session.runner().feed(x, xb).feed(y, yb).feed(learningRate, rate).addTarget(train).fetch(loss);
            for (Norm nm : norms) r.fetch(nm.batchMean()).fetch(nm.batchVariance());
            try (Result res = r.run()) {
                float m = (float) config.bnMomentum();
                for (int k = 0; k < norms.size(); k++) {
                    Norm nm = norms.get(k);
                    blend(nm.mean(), (TFloat32) res.get(1 + 2 * k), m);
                    blend(nm.variance(), (TFloat32) res.get(2 + 2 * k), m);
                }
                return ((TFloat32) res.get(0)).getFloat();
            }
        }
    }

    private static void blend(float[] moving, TFloat32 batch, float m) {
        float[] b = new float[moving.length];
        batch.asRawTensor().data().asFloats().read(b);
        for (int c = 0; c < moving.length; c++) moving[c] = m * moving[c] + (1 - m) * b[c];
    }

    /** The model's tensors as they stand: trained variables, moving batch-norm statistics, the rest unchanged. */
    Map<String, Tensor> weights() {
        Map<String, Tensor> out = new LinkedHashMap<>(model.weights());
        List<String> keys = new ArrayList<>(variables.keySet());
        Session.Runner r = session.runner();
        for (String k : keys) r.fetch(variables.get(k));
        try (Result res = r.run()) {
            for (int i = 0; i < keys.size(); i++) {
                Tensor t = Tensor.zeros(model.weight(keys.get(i)).shape());
                ((TFloat32) res.get(i)).asRawTensor().data().asFloats().read(t.data());
                out.put(keys.get(i), t);
            }
        }
        for (Norm nm : norms) {
            out.put(nm.node() + ".mean", new Tensor(new int[] {nm.mean().length}, nm.mean().clone()));
            out.put(nm.node() + ".variance", new Tensor(new int[] {nm.variance().length}, nm.variance().clone()));
        }
        return out;
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
