package io.edgefuse.engine.tf;

import io.edgefuse.model.Model;
import io.edgefuse.model.exec.JavaExecutor;
import io.edgefuse.model.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Whole-model latency of the tile executor against the plain TensorFlow graph (and optionally the Java
 * reference), measured interleaved in one process so that both see the same machine load.
 */
public final class TfBench {

    /**
     * Median latencies in milliseconds; javaMs is NaN when Java was not measured. maxAbsDiff is the
     * largest difference between the two TensorFlow outputs.
     */
    public record Latencies(String model, int iterations, double tfExecutorMs, double directTfMs, double javaMs, double maxAbsDiff) {
        /** Tile executor latency over the plain graph's (target: at most 1.10). */
        public double overhead() {
            return tfExecutorMs / directTfMs;
        }
    }

    private TfBench() {}

    /** Default threads (all processors intra-op, one inter-op), a seeded random input in [0, 1). */
    public static Latencies compare(Model model, int warmup, int iterations, boolean withJava) {
        int intra = Runtime.getRuntime().availableProcessors();
        try (TfExecutor tf = new TfExecutor(intra, 1); DirectTfModel direct = new DirectTfModel(model, intra, 1)) {
            Tensor input = Tensor.random(42, 0f, 1f, model.input().shape().dims());
            return compare(model, input, tf, direct, withJava ? new JavaExecutor() : null, warmup, iterations);
        }
    }

    /** @param java the reference executor to time as well, or null */
    public static Latencies compare(Model model, Tensor input, TfExecutor tf, DirectTfModel direct, JavaExecutor java, int warmup, int iterations) {
        if (iterations < 1 || warmup < 0) throw new IllegalArgumentException("need iterations >= 1 and warmup >= 0");
        Tensor a = tf.runWhole(model, input), b = direct.run(input);
        double diff = a.maxAbsDiff(b);
        for (int i = 0; i < warmup; i++) {
            tf.runWhole(model, input);
            direct.run(input);
        }
        double[] tfMs = new double[iterations], directMs = new double[iterations];
        double[] javaMs = java == null ? null : new double[iterations];
        for (int i = 0; i < iterations; i++) {
            // Alternate who goes first so neither always runs on a cache warmed by the other.
            if (i % 2 == 0) {
                tfMs[i] = time(() -> tf.runWhole(model, input));
                directMs[i] = time(() -> direct.run(input));
            } else {
                directMs[i] = time(() -> direct.run(input));
                tfMs[i] = time(() -> tf.runWhole(model, input));
            }
            if (javaMs != null) javaMs[i] = time(() -> java.runWhole(model, input));
        }
        return new Latencies(model.name(), iterations, median(tfMs), median(directMs), javaMs == null ? Double.NaN : median(javaMs), diff);
    }

    /**
     * Median whole-model latency (ms) of each model on one tile executor, measured round-robin in one
     * process (the starting model rotates each round) so that all see the same machine load. Each model
     * gets a seeded random input of its own input shape.
     */
    public static double[] sideBySide(List<Model> models, TfExecutor tf, int warmup, int iterations) {
        if (iterations < 1 || warmup < 0) throw new IllegalArgumentException("need iterations >= 1 and warmup >= 0");
        int n = models.size();
        Tensor[] inputs = new Tensor[n];
        for (int k = 0; k < n; k++) inputs[k] = Tensor.random(42, 0f, 1f, models.get(k).input().shape().dims());
        for (int i = 0; i < warmup + 1; i++) {
            for (int k = 0; k < n; k++) tf.runWhole(models.get(k), inputs[k]);
        }
        double[][] ms = new double[n][iterations];
        for (int i = 0; i < iterations; i++) {
            for (int j = 0; j < n; j++) {
                int k = (i + j) % n;
                Model m = models.get(k);
                Tensor x = inputs[k];
                ms[k][i] = time(() -> tf.runWhole(m, x));
            }
        }
        double[] med = new double[n];
        for (int k = 0; k < n; k++) med[k] = median(ms[k]);
        return med;
    }

    /**
     * Median latency (ms) of one batch of {@code batch} seeded random inputs per model, plain batched graphs,
     * round-robin in one process like {@link #sideBySide}.
     */
    public static double[] batchedSideBySide(List<Model> models, int batch, int threads, int warmup, int iterations) {
        if (iterations < 1 || warmup < 0 || batch < 1) throw new IllegalArgumentException("need iterations >= 1, warmup >= 0 and batch >= 1");
        int n = models.size();
        BatchedTfModel[] g = new BatchedTfModel[n];
        float[][] x = new float[n][];
        try {
            for (int k = 0; k < n; k++) {
                g[k] = new BatchedTfModel(models.get(k), threads);
                x[k] = Tensor.random(42, 0f, 1f, batch * (int) models.get(k).input().shape().size()).data();
            }
            for (int i = 0; i < warmup + 1; i++) {
                for (int k = 0; k < n; k++) g[k].run(x[k], batch);
            }
            double[][] ms = new double[n][iterations];
            for (int i = 0; i < iterations; i++) {
                for (int j = 0; j < n; j++) {
                    int k = (i + j) % n;
                    BatchedTfModel m = g[k];
                    float[] in = x[k];
                    ms[k][i] = time(() -> m.run(in, batch));
                }
            }
            double[] med = new double[n];
            for (int k = 0; k < n; k++) med[k] = median(ms[k]);
            return med;
        } finally {
            for (BatchedTfModel b : g) if (b != null) b.close();
        }
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
