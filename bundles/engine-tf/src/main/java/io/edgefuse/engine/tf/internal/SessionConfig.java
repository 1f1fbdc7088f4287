package io.edgefuse.engine.tf.internal;

import org.tensorflow.proto.ConfigProto;

/** Thread settings shared by every session an engine object opens. */
public final class SessionConfig {
    private SessionConfig() {}

    public static ConfigProto of(int intraOpThreads, int interOpThreads) {
        if (intraOpThreads < 1 || interOpThreads < 1) {
            throw new IllegalArgumentException("thread counts must be >= 1, got intra " + intraOpThreads + ", inter " + interOpThreads);
        }
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(interOpThreads)
                .build();
    }

    public static int defaultIntraOpThreads() {
        return Runtime.getRuntime().availableProcessors();
    }
}
