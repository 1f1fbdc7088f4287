package io.edgefuse.allocator.coordinator;

import io.edgefuse.protocol.ErrorCode;

/** Why a request got no result; the code and message go into the error answer. */
public final class InferenceFailure extends RuntimeException {
    private final ErrorCode code;

    public InferenceFailure(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
