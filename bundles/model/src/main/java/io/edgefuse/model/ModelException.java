package io.edgefuse.model;

/** A model that cannot be read, validated or run; the message names the node, tensor or field at fault. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
