package io.clusterflock.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Talks to a control socket byte by byte, as no well-behaved client would. */
final class ControlWire {
    /** Longer than the master's 5 s read deadline. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);

    private ControlWire() {}

    /** The control socket of cluster {@code name} under {@code runtimeDirectory}. */
    static Path socket(Path runtimeDirectory, String name) {
        return runtimeDirectory.resolve("clusterflock").resolve(name).resolve("control.sock");
    }

    /**
     * Sends {@code bytes}, then ends its output when {@code end} (else stays silent), and returns
     * what the master sends until it closes the connection.
     */
    static String exchange(Path socket, byte[] bytes, boolean end) {
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> talk(socket, bytes, end),
                runnable -> Thread.ofVirtual().start(runnable));
        try {
            return answer.get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the master did not close the connection within " + ANSWER_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new AssertionError("cannot talk to " + socket, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static String exchange(Path socket, String text) {
        return exchange(socket, text.getBytes(StandardCharsets.UTF_8), false);
    }

    private static String talk(Path socket, byte[] bytes, boolean end) {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            try {
                channel.write(ByteBuffer.wrap(bytes));
                if (end) {
                    channel.shutdownOutput();
                }
            } catch (IOException e) {
                // the master stopped reading (too long): its answer is still there to read
            }
            try (InputStream in = Channels.newInputStream(channel)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
