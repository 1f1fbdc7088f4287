package io.edgefuse.runtime.cli;

import io.edgefuse.engine.tf.TfExecutor;
import io.edgefuse.model.exec.Executor;
import io.edgefuse.model.exec.JavaExecutor;
import picocli.CommandLine.Option;

/** --executor and --threads, shared by the verbs that run models. */
final class ExecutorOptions {
    @Option(names = "--executor", defaultValue = "tf", description = "tf (TensorFlow Java) or java (pure-Java reference). Default: ${DEFAULT-VALUE}.")
    String executor;

    @Option(names = "--threads", defaultValue = "0", description = "TensorFlow intra-op threads; 0 = all cores. Default: ${DEFAULT-VALUE}.")
    int threads;

    Executor create() {
        return create(executor);
    }

    Executor create(String name) {
        return switch (name) {
            // Each cached tile graph holds its stage's weights; a short cache keeps VGG-16 checks within memory.
            case "tf" -> new TfExecutor(threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), 1, 16);
            case "java" -> new JavaExecutor();
            default -> throw new IllegalArgumentException("unknown executor '" + name + "' (tf or java)");
        };
    }
}
