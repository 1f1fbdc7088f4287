package io.edgefuse.runtime.cli;

import io.edgefuse.model.InputSpec;
import io.edgefuse.model.data.FashionMnist;
import io.edgefuse.model.data.ImageSet;
import io.edgefuse.pruner.DataSplit;
import io.edgefuse.pruner.Sample;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The Fashion-MNIST sets the prune verbs use: reference samples and validation from the training set, the test set. */
record PruneData(List<Sample> reference, List<Sample> validation, List<Sample> test, int validationStart) {

    static PruneData load(InputSpec spec, int samplesPerClass, int validation, long seed, PrintWriter err) {
        if (samplesPerClass < 1) throw new IllegalArgumentException("--samples-per-class must be >= 1, got " + samplesPerClass);
        FashionMnist data = new FashionMnist();
        err.printf("reading Fashion-MNIST from %s%n", data.directory());
        err.flush();
        ImageSet train = data.read(FashionMnist.Split.TRAIN), testSet = data.read(FashionMnist.Split.TEST);
        DataSplit split = new DataSplit(train, validation);
        List<Sample> ref = split.referenceSamples(samplesPerClass, seed, spec);
        List<Sample> val = split.validation(spec);
        List<Sample> test = new ArrayList<>(testSet.size());
        for (int i = 0; i < testSet.size(); i++) test.add(DataSplit.sample(testSet, i, spec));
        err.printf("reference: %d samples (%d per class, seed %d, from training images 0..%d); validation: training images %d..%d; test: %d images%n",
                ref.size(), samplesPerClass, seed, split.validationStart() - 1, split.validationStart(), train.size() - 1, test.size());
        err.flush();
        return new PruneData(ref, val, test, split.validationStart());
    }
}
