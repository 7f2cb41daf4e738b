package io.clusterflock.internal.os;

/**
 * A native call failed. The message is one line meant for an operator, naming what could not be
 * done and why ("cannot listen on *:5000: Address already in use"); {@link #errno()} keeps the
 * number for code that must tell causes apart.
 */
public final class NativeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    /** {@code errno} is 0 when the failure has no error number (e.g. an unknown host). */
    public NativeException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** {@code whatFailed + ": " + meaning of errno}, e.g. "cannot start /usr/bin/foo: Permission denied". */
    public static NativeException of(String whatFailed, int errno) {
        return new NativeException(whatFailed + ": " + Libc.describe(errno), errno);
    }

    /** The error number (errno or a posix_spawn result), or 0 when there is none. */
    public int errno() {
        return errno;
    }
}
