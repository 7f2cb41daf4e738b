package io.clusterflock.control;

/**
 * The control socket cannot be set up or reached, for a reason the operator can act on. The
 * message is one line: {@code a cluster named 'default' is already running (master pid 4711); use --name}.
 */
public final class ControlException extends RuntimeException {
    public ControlException(String message) {
        super(message);
    }

    public ControlException(String message, Throwable cause) {
        super(message, cause);
    }
}
