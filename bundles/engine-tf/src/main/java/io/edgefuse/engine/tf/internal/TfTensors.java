package io.edgefuse.engine.tf.internal;

import io.edgefuse.model.tensor.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Copies between the model's tensors (no batch dimension) and TensorFlow's (batch of one). */
public final class TfTensors {
    private TfTensors() {}

    public static TFloat32 toTf(Tensor t) {
        return TFloat32.tensorOf(batchShape(t.shape()), DataBuffers.of(t.data(), true, false));
    }

    /** Reads a TF result of shape [1, dims...] into a tensor of shape dims. */
    public static Tensor fromTf(TFloat32 t, int[] dims) {
        Tensor out = Tensor.zeros(dims);
        if (t.shape().size() != out.size()) {
            throw new IllegalStateException("TensorFlow returned " + t.shape() + ", expected " + out.size() + " values");
        }
        t.asRawTensor().data().asFloats().read(out.data());
        return out;
    }

    public static Shape batchShape(int[] dims) {
        long[] s = new long[dims.length + 1];
        s[0] = 1;
        for (int i = 0; i < dims.length; i++) s[i + 1] = dims[i];
        return Shape.of(s);
    }
}
