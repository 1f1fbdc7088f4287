package io.edgefuse.engine.tf.train;

/**
 * How to train. {@link #defaults()} is what {@code edgefuse train} uses; {@link #fineTune(int, double)}
 * what the pruner uses between pruning steps. Records are immutable: change a field with the
 * {@code withX} methods.
 *
 * @param epochs        passes over the training set (>= 1)
 * @param batchSize     images per step; a last partial batch is dropped (>= 1)
 * @param learningRate  peak learning rate
 * @param optimizer     ADAM or SGD (with {@code momentum})
 * @param momentum      SGD momentum (ignored by Adam)
 * @param schedule      COSINE: from learningRate down to 0 over all steps; CONSTANT: learningRate throughout
 * @param weightDecay   L2 penalty weightDecay/2 * sum(w^2) on conv and dense weights (not biases, not batch norm)
 * @param augment       random horizontal flip and shifts of up to {@link #MAX_SHIFT} pixels (zero fill)
 * @param seed          seeds the shuffling and the augmentation; with one thread the same seed and data give
 *                      the same weights bit for bit (more threads may sum in another order, see docs/training.md)
 * @param bnMomentum    moving average factor of the batch-norm statistics: moving = m * moving + (1 - m) * batch
 * @param threads       TensorFlow intra-op threads
 */
public record TrainConfig(int epochs, int batchSize, double learningRate, Optimizer optimizer, double momentum,
                          Schedule schedule, double weightDecay, boolean augment, long seed, double bnMomentum,
                          int threads) {

    public enum Optimizer { ADAM, SGD }

    public enum Schedule { COSINE, CONSTANT }

    public static final int MAX_SHIFT = 2;

    public TrainConfig {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        if (!(bnMomentum >= 0 && bnMomentum < 1)) throw new IllegalArgumentException("batch-norm momentum must be in [0, 1), got " + bnMomentum);
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (optimizer == null || schedule == null) throw new IllegalArgumentException("optimizer and schedule are required");
    }

    /** Adam 1e-3 with cosine decay, batch 128, 10 epochs, weight decay 5e-4, no augmentation, seed 1. */
    public static TrainConfig defaults() {
        return new TrainConfig(10, 128, 1e-3, Optimizer.ADAM, 0.9, Schedule.COSINE, 5e-4, false, 1, 0.99,
                Runtime.getRuntime().availableProcessors());
    }

    /** Fine-tuning: Adam at a constant learning rate for a few epochs, otherwise the defaults. */
    public static TrainConfig fineTune(int epochs, double learningRate) {
        return defaults().withEpochs(epochs).withLearningRate(learningRate).withSchedule(Schedule.CONSTANT);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, learningRate, optimizer, momentum, schedule, weightDecay, augment, seed, bnMomentum, threads);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(epochs, b, learningRate, optimizer, momentum, schedule, weightDecay, augment, seed, bnMomentum, threads);
    }

    public TrainConfig withLearningRate(double lr) {
        return new TrainConfig(epochs, batchSize, lr, optimizer, momentum, schedule, weightDecay, augment, seed, bnMomentum, threads);
    }

    public TrainConfig withOptimizer(Optimizer o) {
        return new TrainConfig(epochs, batchSize, learningRate, o, momentum, schedule, weightDecay, augment, seed, bnMomentum, threads);
    }

    public TrainConfig withMomentum(double m) {
        return new TrainConfig(epochs, batchSize, learningRate, optimizer, m, schedule, weightDecay, augment, seed, bnMomentum, threads);
    }

    public TrainConfig withSchedule(Schedule s) {
        return new TrainConfig(epochs, batchSize, learningRate, optimizer, momentum, s, weightDecay, augment, seed, bnMomentum, threads);
    }

    public TrainConfig withWeightDecay(double wd) {
        return new TrainConfig(epochs, batchSize, learningRate, optimizer, momentum, schedule, wd, augment, seed, bnMomentum, threads);
    }

    public TrainConfig withAugment(boolean a) {
        return new TrainConfig(epochs, batchSize, learningRate, optimizer, momentum, schedule, weightDecay, a, seed, bnMomentum, threads);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, batchSize, learningRate, optimizer, momentum, schedule, weightDecay, augment, s, bnMomentum, threads);
    }

    public TrainConfig withBnMomentum(double m) {
        return new TrainConfig(epochs, batchSize, learningRate, optimizer, momentum, schedule, weightDecay, augment, seed, m, threads);
    }

    public TrainConfig withThreads(int t) {
        return new TrainConfig(epochs, batchSize, learningRate, optimizer, momentum, schedule, weightDecay, augment, seed, bnMomentum, t);
    }

    /** Learning rate at step {@code step} of {@code totalSteps}. */
    public double learningRateAt(long step, long totalSteps) {
        if (schedule == Schedule.CONSTANT || totalSteps <= 1) return learningRate;
        return learningRate * 0.5 * (1 + Math.cos(Math.PI * step / (double) totalSteps));
    }
}
