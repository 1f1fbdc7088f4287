package io.edgefuse.engine.tf.internal;

import io.edgefuse.model.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * TensorFlow copies of model weights, one per weight and model version, shared by every graph that feeds
 * them: the tile graphs of one stage differ only in their crops and pads, so a node holding ten tiles of
 * YOLOv2's deep stages keeps their 61 MB of filters once. A version's copies live while at least one
 * graph uses them ({@link #open}/{@link Lease#close}) and are freed with its last graph, so an evicted or
 * replaced version does not stay in memory. Thread-safe.
 */
public final class SharedWeights {
    private final Map<String, Store> stores = new HashMap<>();

    /** A graph's hold on one model version's copies; closing it releases them once. */
    public final class Lease implements AutoCloseable {
        private final Store store;
        private boolean closed;

        private Lease(Store store) {
            this.store = store;
        }

        /** The shared copy of {@code value} in TF shape {@code tfShape}, made on first use. */
        public TFloat32 tensor(Tensor value, long... tfShape) {
            synchronized (SharedWeights.this) {
                if (closed) throw new IllegalStateException("weights of " + store.version + " released");
                return store.tensor(value, tfShape);
            }
        }

        @Override
        public void close() {
            synchronized (SharedWeights.this) {
                if (closed) return;
                closed = true;
                if (--store.users == 0) {
                    stores.remove(store.version, store);
                    store.free();
                }
            }
        }
    }

    private static final class Store {
        final String version;
        final Map<Tensor, TFloat32> tensors = new IdentityHashMap<>();
        int users;

        Store(String version) {
            this.version = version;
        }

        TFloat32 tensor(Tensor value, long[] tfShape) {
            TFloat32 t = tensors.get(value);
            if (t != null) {
                if (!Arrays.equals(t.shape().asArray(), tfShape)) {
                    throw new IllegalArgumentException("weight bound as " + Arrays.toString(tfShape) + " and as " + t.shape());
                }
                return t;
            }
            t = TFloat32.tensorOf(Shape.of(tfShape));
            try {
                t.asRawTensor().data().asFloats().write(value.data());
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
            tensors.put(value, t);
            return t;
        }

        void free() {
            tensors.values().forEach(TFloat32::close);
            tensors.clear();
        }
    }

    /** A hold on {@code modelVersion}'s copies, for one graph. */
    public synchronized Lease open(String modelVersion) {
        Store s = stores.computeIfAbsent(modelVersion, Store::new);
        s.users++;
        return new Lease(s);
    }

    /** Model versions with copies alive, and how many tensors each holds (for tests and logs). */
    public synchronized Map<String, Integer> tensorsByVersion() {
        Map<String, Integer> out = new HashMap<>();
        stores.forEach((v, s) -> out.put(v, s.tensors.size()));
        return out;
    }
}
