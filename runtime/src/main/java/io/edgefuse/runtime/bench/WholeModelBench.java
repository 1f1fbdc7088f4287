package io.edgefuse.runtime.bench;

import io.edgefuse.engine.tf.DirectTfModel;
import io.edgefuse.engine.tf.TfExecutor;
import io.edgefuse.model.Model;
import io.edgefuse.model.tensor.Tensor;
import io.edgefuse.model.zoo.Zoo;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** JMH: whole-model latency through our tf executor vs the same graph built directly in TensorFlow. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WholeModelBench {
    @Param({"vgg16", "resnet50", "mobilenetv2"})
    public String model;

    private Model m;
    private Tensor input;
    private TfExecutor tf;
    private DirectTfModel direct;

    @Setup
    public void setup() {
        m = Zoo.resolve(model);
        input = Tensor.random(1, -1, 1, m.input().shape().dims());
        tf = new TfExecutor();
        direct = new DirectTfModel(m);
    }

    @Benchmark
    public Tensor tfExecutor() {
        return tf.runWhole(m, input);
    }

    @Benchmark
    public Tensor directTensorFlow() {
        return direct.run(input);
    }

    @TearDown
    public void tearDown() {
        tf.close();
        direct.close();
    }
}
