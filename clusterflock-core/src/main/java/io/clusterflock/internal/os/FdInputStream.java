package io.clusterflock.internal.os;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Reads an fd this stream owns, such as the read end of a {@link Pipe}, with read(2): blocking,
 * so read it from a platform thread. Closing it closes the fd; do that from the reading thread
 * (an fd closed under a blocked read could be reused for something else before the read returns).
 */
public final class FdInputStream extends InputStream {
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private boolean closed;

    /** Takes over {@code fd}; reads go through a native buffer of {@code bufferBytes}. */
    public FdInputStream(int fd, int bufferBytes) {
        Platform.requireSupported();
        this.fd = fd;
        this.buffer = arena.allocate(bufferBytes);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (length == 0) {
            return 0;
        }
        long want = Math.min(length, buffer.byteSize());
        Libc.Result result;
        do {
            result = Libc.callSize(FileCalls.READ, fd, buffer, want);
        } while (result.failed() && result.errno() == Libc.EINTR);
        if (result.failed()) {
            throw new IOException(NativeException.of("cannot read fd " + fd, result.errno()).getMessage());
        }
        if (result.value() == 0) {
            return -1;
        }
        MemorySegment.copy(buffer, 0, MemorySegment.ofArray(bytes), offset, result.value());
        return result.value();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd, "fd " + fd);
            arena.close();
        }
    }
}
