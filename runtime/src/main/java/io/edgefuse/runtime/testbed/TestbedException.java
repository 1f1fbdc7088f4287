package io.edgefuse.runtime.testbed;

/** The emulated cluster cannot be built or removed: a system command failed, or root is missing. */
public final class TestbedException extends RuntimeException {
    public TestbedException(String message) {
        super(message);
    }

    public TestbedException(String message, Throwable cause) {
        super(message, cause);
    }
}
