package io.edgefuse.model.data;

/** A dataset that is missing, truncated or malformed; the message names the file and says what to do. */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
