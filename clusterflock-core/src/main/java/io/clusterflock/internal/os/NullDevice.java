package io.clusterflock.internal.os;

import java.nio.file.Path;

/**
 * /dev/null opened for writing, once, so that workers can be given it as stdout and stderr
 * ({@code --silent}): the kernel discards what they write, no thread of ours reads it.
 */
public final class NullDevice implements AutoCloseable {
    private final int fd;
    private boolean closed;

    private NullDevice(int fd) {
        this.fd = fd;
    }

    /** @throws NativeException e.g. "cannot open /dev/null: Too many open files" */
    public static NullDevice open() {
        Platform.requireSupported();
        return new NullDevice(FileCalls.open(Path.of("/dev/null"), FileCalls.O_WRONLY, 0, "cannot open /dev/null"));
    }

    /** The fd, close-on-exec: a child gets it only where the spawner maps it. */
    public int fd() {
        return fd;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd, "/dev/null");
        }
    }
}
