package io.edgefuse.runtime.cli;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.data.FashionMnist;
import io.edgefuse.model.data.ImageSet;
import io.edgefuse.pruner.DataSplit;
import io.edgefuse.pruner.Sample;
import java.io.PrintWriter;
import java.util.List;

/**
 * The Fashion-MNIST sets the prune verbs use: reference samples and fine-tuning images from the training
 * set, validation from its last images, and the test set (only reported, never decided by).
 */
record PruneData(List<Sample> reference, ImageSet validation, ImageSet fineTuning, ImageSet test) {

    static PruneData load(InputSpec spec, PruneOptions o, PrintWriter err) {
        int samplesPerClass = o.samplesPerClass, validation = o.validation;
        long seed = o.seed;
        if (samplesPerClass < 1) throw new IllegalArgumentException("--samples-per-class must be >= 1, got " + samplesPerClass);
        if (o.testImages != null && o.testImages < 1) throw new IllegalArgumentException("--test-images must be >= 1, got " + o.testImages);
        if (o.finetuneImages != null && o.finetuneImages < 1) throw new IllegalArgumentException("--finetune-images must be >= 1, got " + o.finetuneImages);
        FashionMnist data = new FashionMnist();
        err.printf("reading Fashion-MNIST from %s%n", data.directory());
        err.flush();
        ImageSet train = data.read(FashionMnist.Split.TRAIN);
        ImageSet test = data.read(FashionMnist.Split.TEST, o.testImages == null ? Integer.MAX_VALUE : o.testImages);
        DataSplit split = new DataSplit(train, validation);
        List<Sample> ref = split.referenceSamples(samplesPerClass, seed, spec);
        err.printf("reference: %d samples (%d per class, seed %d, from training images 0..%d); validation: training images %d..%d; test: %d images%n",
                ref.size(), samplesPerClass, seed, split.validationStart() - 1, split.validationStart(), train.size() - 1, test.size());
        err.flush();
        ImageSet tuning = split.trainingSet();
        if (o.finetuneImages != null) tuning = tuning.slice(0, Math.min(o.finetuneImages, tuning.size()));
        return new PruneData(ref, split.validationSet(), tuning, test);
    }
}
