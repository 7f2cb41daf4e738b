package io.clusterflock.it;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A hand-made peer on a master's worker channel (its {@code ipc.sock}): writes frames as the wire
 * format says (4-byte big-endian length, then UTF-8) or any bytes at all, and collects what the
 * master writes back on a reader thread.
 */
final class LibraryIpcPeer implements AutoCloseable {
    /** What the reader queues when the master closed the connection. */
    private static final String END = "\0end of stream";

    private final SocketChannel channel;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    private LibraryIpcPeer(SocketChannel channel) {
        this.channel = channel;
        Thread.ofPlatform().daemon().name("ipc-peer-reader").start(this::readLoop);
    }

    static LibraryIpcPeer connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new LibraryIpcPeer(channel);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** The master's ipc.sock: in the private clusterflock-* directory under its $XDG_RUNTIME_DIR. */
    static Path socketOf(MasterProcess master) {
        return Await.value(Duration.ofSeconds(10), () -> "an ipc.sock in " + master.runtimeFiles() + master.output(),
                () -> master.runtimeFiles().stream()
                        .filter(path -> path.getFileName().toString().equals("ipc.sock"))
                        .filter(path -> path.getParent().getFileName().toString().startsWith("clusterflock-"))
                        .findFirst().orElse(null));
    }

    /** {@code CLUSTERFLOCK_IPC_TOKEN} from the environment of {@code pid} (ours to read: same user). */
    static String tokenOf(long pid) throws IOException {
        String environ = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
        for (String entry : environ.split("\0")) {
            if (entry.startsWith("CLUSTERFLOCK_IPC_TOKEN=")) {
                return entry.substring("CLUSTERFLOCK_IPC_TOKEN=".length());
            }
        }
        throw new AssertionError("no CLUSTERFLOCK_IPC_TOKEN in the environment of pid " + pid);
    }

    /** Writes one well-formed frame holding {@code text}. */
    void frame(String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        raw(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip());
    }

    /** Writes a header announcing {@code length} bytes, then {@code body} as it is. */
    void frame(int length, byte[] body) throws IOException {
        raw(ByteBuffer.allocate(4 + body.length).putInt(length).put(body).flip());
    }

    private void raw(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * The next frame the master wrote, within {@code timeout}; empty when it closed the connection.
     *
     * @throws AssertionError when nothing came in time
     */
    Optional<String> next(Duration timeout) {
        try {
            String frame = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("nothing from the master within " + timeout.toMillis() + " ms");
            }
            if (frame.equals(END)) {
                received.add(END); // stays ended
                return Optional.empty();
            }
            return Optional.of(frame);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Skips frames until the master closes the connection; fails if it does not within {@code timeout}. */
    void awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))).isPresent()) {
            // an error frame before the end is fine
        }
    }

    private void readLoop() {
        try {
            while (true) {
                ByteBuffer header = ByteBuffer.allocate(4);
                if (!fill(header)) {
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(header.flip().getInt());
                if (!fill(body)) {
                    break;
                }
                received.add(StandardCharsets.UTF_8.decode(body.flip()).toString());
            }
        } catch (IOException e) {
            // closed: the end
        }
        received.add(END);
    }

    private boolean fill(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
