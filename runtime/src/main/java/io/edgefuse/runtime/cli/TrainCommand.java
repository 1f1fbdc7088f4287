package io.edgefuse.runtime.cli;

import io.edgefuse.engine.tf.train.Evaluation;
import io.edgefuse.engine.tf.train.TrainConfig;
import io.edgefuse.engine.tf.train.Trainer;
import io.edgefuse.engine.tf.train.TrainingListener;
import io.edgefuse.engine.tf.train.TrainingRecord;
import io.edgefuse.model.Model;
import io.edgefuse.model.data.DatasetException;
import io.edgefuse.model.data.FashionMnist;
import io.edgefuse.model.data.ImageSet;
import io.edgefuse.model.io.ModelFormat;
import io.edgefuse.model.zoo.Zoo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Trains a network on Fashion-MNIST (the Debian package dataset-fashion-mnist, never downloaded) with"
                + " TensorFlow and writes a model folder: model.json, weights.safetensors and training.json (command, seed,"
                + " time, test accuracy). --arch is a zoo architecture (fresh weights from --seed) or a model folder"
                + " (training continues from its weights). See docs/training.md."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--arch", required = true, description = "fmnist-vgg, fmnist-resnet, or a model folder to continue from.")
    String arch;

    @Option(names = "--epochs", defaultValue = "10", description = "Passes over the training set. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--out", required = true, description = "Model folder to write (created; files in it are replaced).")
    Path outDir;

    @Option(names = "--batch", defaultValue = "128", description = "Images per step. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd (momentum 0.9). Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--schedule", defaultValue = "cosine", description = "cosine (decay to 0) or constant. Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "L2 factor on conv and dense weights. Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of initialisation, shuffling and augmentation. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--augment", description = "Random horizontal flips and shifts of up to 2 pixels.")
    boolean augment;

    @Option(names = "--train-limit", description = "Use only the first N training images (quick runs).")
    Integer trainLimit;

    @Option(names = "--eval-each-epoch", description = "Score the test set after every epoch (recorded in training.json).")
    boolean evalEachEpoch;

    @Option(names = "--threads", description = "TensorFlow threads. Default: all processors.")
    Integer threads;

    @Option(names = "--data", description = "Fashion-MNIST directory. Default: $EDGEFUSE_FASHION_MNIST or " + FashionMnist.DEFAULT_DIR + ".")
    Path data;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (trainLimit != null && trainLimit < 1) throw new IllegalArgumentException("--train-limit must be >= 1, got " + trainLimit);
        TrainConfig config = TrainConfig.defaults().withEpochs(epochs).withBatchSize(batch).withLearningRate(lr)
                .withOptimizer(parse(TrainConfig.Optimizer.class, optimizer, "--optimizer"))
                .withSchedule(parse(TrainConfig.Schedule.class, schedule, "--schedule"))
                .withWeightDecay(weightDecay).withAugment(augment).withSeed(seed);
        if (threads != null) config = config.withThreads(threads);
        Model start;
        if (Zoo.contains(arch)) {
            start = Trainer.initialise(Zoo.graph(arch), seed);
        } else if (Files.isDirectory(Path.of(arch))) {
            start = ModelFormat.read(Path.of(arch));
        } else {
            throw new IllegalArgumentException("--arch '" + arch + "' is neither a zoo architecture (fmnist-vgg, fmnist-resnet, ...) nor a model folder");
        }
        ImageSet trainSet, testSet;
        try {
            FashionMnist fm = data == null ? new FashionMnist() : new FashionMnist(data);
            trainSet = fm.read(FashionMnist.Split.TRAIN, trainLimit == null ? Integer.MAX_VALUE : trainLimit);
            testSet = fm.read(FashionMnist.Split.TEST);
        } catch (DatasetException e) {
            err.println("edgefuse train: " + e.getMessage());
            return 3;
        }
        err.printf(Locale.ROOT, "training %s (%d nodes, %.2f M params, %.1f M MACs) on %d images, %d epochs, batch %d, %s lr %s (%s)%s, seed %d%n",
                start.name(), start.size(), start.parameterCount() / 1e6, start.totalCost().macs() / 1e6, trainSet.size(), epochs, batch,
                optimizer, lr, schedule, augment ? ", augmented" : "", seed);
        Progress progress = new Progress(err, testSet);
        long t0 = System.nanoTime();
        Model trained = Trainer.train(start, trainSet, config, progress);
        double wall = (System.nanoTime() - t0) / 1e9;
        Evaluation test = Trainer.evaluate(trained, testSet);
        ModelFormat.write(trained, outDir);
        String command = "edgefuse " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        TrainingRecord record = new TrainingRecord(Zoo.contains(arch) ? arch : start.name(), command, seed, epochs, Math.min(batch, trainSet.size()), lr,
                config.optimizer().name(), config.schedule().name(), weightDecay, augment, trainSet.size(), config.threads(), wall,
                test.accuracy(), test.loss(), test.images(), progress.history, trained.version());
        record.write(outDir);
        out.printf(Locale.ROOT, "test accuracy %.2f%% (loss %.4f, %d images); trained in %s; wrote %s%n",
                100 * test.accuracy(), test.loss(), test.images(), ProgressLine.duration(wall), outDir.toAbsolutePath());
        out.flush();
        return 0;
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value, String option) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT) + ", got '" + value + "'");
        }
    }

    /** The progress bar, and the per-epoch history for training.json. */
    private final class Progress implements TrainingListener {
        final List<TrainingRecord.Epoch> history = new ArrayList<>();
        private final ProgressLine line;
        private final PrintWriter err;
        private final ImageSet testSet;
        private int epochs, perEpoch;
        private long start;

        Progress(PrintWriter err, ImageSet testSet) {
            this.err = err;
            this.line = new ProgressLine(err, 30);
            this.testSet = testSet;
        }

        @Override
        public void started(int epochs, int batchesPerEpoch, int batchSize) {
            this.epochs = epochs;
            this.perEpoch = batchesPerEpoch;
            this.start = System.nanoTime();
        }

        @Override
        public void batch(int epoch, int batch, double loss, double imagesPerSecond) {
            double done = ((epoch - 1) * (double) perEpoch + batch) / ((double) epochs * perEpoch);
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = done > 0 ? elapsed * (1 - done) / done : 0;
            line.update(String.format(Locale.ROOT, "epoch %d/%d %s batch %d/%d loss %.4f %.0f img/s ETA %s",
                    epoch, epochs, ProgressLine.bar(batch / (double) perEpoch, 20), batch, perEpoch, loss, imagesPerSecond,
                    ProgressLine.duration(eta)), batch == perEpoch);
        }

        @Override
        public void epochEnded(int epoch, double meanLoss, double seconds, Supplier<Model> current) {
            line.finish();
            Double acc = null, testLoss = null;
            if (evalEachEpoch) {
                Evaluation e = Trainer.evaluate(current.get(), testSet);
                acc = e.accuracy();
                testLoss = e.loss();
            }
            history.add(new TrainingRecord.Epoch(epoch, meanLoss, seconds, acc, testLoss));
            err.printf(Locale.ROOT, "epoch %d/%d: train loss %.4f, %s%s%n", epoch, epochs, meanLoss, ProgressLine.duration(seconds),
                    acc == null ? "" : String.format(Locale.ROOT, ", test accuracy %.2f%% (loss %.4f)", 100 * acc, testLoss));
            err.flush();
        }
    }
}
