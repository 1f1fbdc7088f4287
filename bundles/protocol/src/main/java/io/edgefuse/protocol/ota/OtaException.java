package io.edgefuse.protocol.ota;

/** An artifact, manifest or key that cannot be accepted; the message is the reason reported on the ota topic. */
public class OtaException extends RuntimeException {
    public OtaException(String message) {
        super(message);
    }

    public OtaException(String message, Throwable cause) {
        super(message, cause);
    }
}
