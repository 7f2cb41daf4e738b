package io.clusterflock;

/**
 * The cluster could not start, or an operation on it gave up, for a reason the operator can act on. The message is one line:
 * {@code cannot listen on *:5000: Address already in use}, {@code command not found: foo}.
 */
public class ClusterException extends RuntimeException {
    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
