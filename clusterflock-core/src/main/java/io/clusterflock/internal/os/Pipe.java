package io.clusterflock.internal.os;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A pipe whose ends are close-on-exec, so a child gets an end only when the spawner maps it. Each
 * end is closed on its own: the reader sees end-of-file once every copy of the write end is closed.
 */
public final class Pipe implements AutoCloseable {

    private int readFd;
    private int writeFd;

    private Pipe(int readFd, int writeFd) {
        this.readFd = readFd;
        this.writeFd = writeFd;
    }

    /** @throws NativeException e.g. "cannot create a pipe: Too many open files" */
    public static Pipe open() {
        Platform.requireSupported();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            Libc.Result result = Libc.call(Libc.PIPE2, fds, Libc.O_CLOEXEC);
            if (result.failed()) {
                throw NativeException.of("cannot create a pipe", result.errno());
            }
            return new Pipe(fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1));
        }
    }

    /** The read end's fd, or -1 once it is closed. */
    public synchronized int readFd() {
        return readFd;
    }

    /** The write end's fd, or -1 once it is closed. */
    public synchronized int writeFd() {
        return writeFd;
    }

    /**
     * Writes all of {@code bytes} to the write end, blocking while the pipe is full: with no reader
     * yet, more than a page may never fit (a user past its pipe quota gets one-page pipes).
     *
     * @throws NativeException e.g. "cannot write to a pipe: Broken pipe" when the read end is closed
     */
    public void write(byte[] bytes) {
        int fd = writeFd();
        if (fd < 0) {
            throw new IllegalStateException("the write end of the pipe is closed");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocateFrom(JAVA_BYTE, bytes);
            long written = 0;
            while (written < bytes.length) {
                Libc.Result result = Libc.callSize(FileCalls.WRITE, fd, buffer.asSlice(written), bytes.length - written);
                if (result.failed() && result.errno() != Libc.EINTR) {
                    throw NativeException.of("cannot write to a pipe", result.errno());
                }
                written += Math.max(0, result.value());
            }
        }
    }

    /** Closes the read end; again does nothing. */
    public synchronized void closeRead() {
        int fd = readFd;
        if (fd >= 0) {
            readFd = -1;
            Libc.close(fd, "the read end of a pipe");
        }
    }

    /** Closes the write end; again does nothing. */
    public synchronized void closeWrite() {
        int fd = writeFd;
        if (fd >= 0) {
            writeFd = -1;
            Libc.close(fd, "the write end of a pipe");
        }
    }

    /** Closes whichever ends are still open. */
    @Override
    public synchronized void close() {
        try {
            closeWrite();
        } finally {
            closeRead();
        }
    }
}
