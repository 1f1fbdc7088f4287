package io.edgefuse.runtime.cli;

/**
 * A verb could not do its job for a reason outside the program (nodes that never came online, an error
 * answer): the user gets the message and exit code 1, not a stack trace.
 */
final class CommandFailedException extends RuntimeException {
    CommandFailedException(String message) {
        super(message);
    }
}
