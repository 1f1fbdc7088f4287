package io.edgefuse.runtime.cli;

import io.edgefuse.engine.tf.train.Evaluation;
import io.edgefuse.engine.tf.train.Trainer;
import io.edgefuse.engine.tf.train.TrainingRecord;
import io.edgefuse.model.Model;
import io.edgefuse.model.data.DatasetException;
import io.edgefuse.model.data.FashionMnist;
import io.edgefuse.model.data.ImageSet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Scores a Fashion-MNIST model on the test set (TensorFlow, batches of 250): accuracy and mean"
                + " cross-entropy, next to what its training.json recorded if it has one."})
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model folder (or zoo name: untrained seeded weights).")
    String model;

    @Option(names = "--limit", description = "Only the first N test images. Default: all 10000.")
    Integer limit;

    @Option(names = "--data", description = "Fashion-MNIST directory. Default: $EDGEFUSE_FASHION_MNIST or " + FashionMnist.DEFAULT_DIR + ".")
    Path data;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (limit != null && limit < 1) throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        Model m = ModelArg.load(model, err);
        ImageSet test;
        try {
            test = (data == null ? new FashionMnist() : new FashionMnist(data)).read(FashionMnist.Split.TEST, limit == null ? Integer.MAX_VALUE : limit);
        } catch (DatasetException e) {
            err.println("edgefuse evaluate: " + e.getMessage());
            return 3;
        }
        long t0 = System.nanoTime();
        Evaluation e = Trainer.evaluate(m, test);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Path folder = Path.of(model);
        TrainingRecord rec = Files.isDirectory(folder) ? TrainingRecord.read(folder) : null;
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", m.name());
            doc.put("modelVersion", m.version());
            doc.put("accuracy", e.accuracy());
            doc.put("loss", e.loss());
            doc.put("images", e.images());
            doc.put("seconds", seconds);
            if (rec != null) doc.put("recordedAccuracy", rec.testAccuracy());
            Json.print(out, doc);
        } else {
            out.printf(Locale.ROOT, "%s: accuracy %.2f%%, loss %.4f on %d test images (%.1f s)%n", m.name(), 100 * e.accuracy(), e.loss(), e.images(), seconds);
            if (rec != null) out.printf(Locale.ROOT, "training.json records %.2f%% on %d test images%n", 100 * rec.testAccuracy(), rec.testImages());
            out.flush();
        }
        return 0;
    }
}
