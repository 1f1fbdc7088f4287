package io.edgefuse.engine.tf;

import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;

/**
 * TensorFlow's compute threads under a name of our choosing. TensorFlow runs a session's kernels on
 * process-wide thread pools (the inter-op pool and the CPU device's intra-op pool), created with the
 * first session's thread counts when that session is opened, and it names none of their threads: on
 * Linux each inherits the name (comm) of the thread that opened that first session. {@link #start}
 * opens a trivial first session from a thread named {@value #COMPUTE}, so every thread that computes
 * kernels carries that name, and the caller's thread (decoding frames, copying tensors in and out,
 * in Java) does not. The emulated cluster (docs/testbed.md) throttles the two kinds separately, by name.
 */
public final class TfThreads {
    /** The name (at most 15 characters: Linux's limit for a thread's comm) of TensorFlow's pool threads. */
    public static final String COMPUTE = "ef-tf-compute";

    private static boolean started;

    private TfThreads() {}

    /**
     * Creates TensorFlow's pools with {@code config}'s thread counts on a thread named {@value #COMPUTE}.
     * Must run before any other session of the process is opened (later calls, and calls after another
     * session created the pools, change nothing: the pools exist once per process). Returns whether this
     * call opened the session.
     */
    public static synchronized boolean start(ConfigProto config) {
        if (started) return false;
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try (Graph g = new Graph(); Session s = new Session(g, config)) {
                Ops tf = Ops.create(g);
                try (Result r = s.runner().fetch(tf.math.add(tf.constant(1f), tf.constant(1f))).run()) {
                    // nothing to read: the pools now exist, their threads started from this one
                }
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, COMPUTE);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting TensorFlow's thread pools", e);
        }
        if (failure[0] != null) throw new IllegalStateException("cannot start TensorFlow's thread pools: " + failure[0], failure[0]);
        started = true;
        return true;
    }
}
