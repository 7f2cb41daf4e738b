package io.clusterflock.internal.control;

import io.clusterflock.control.ControlCommand;

import io.clusterflock.internal.control.RequestReader.Request;
import io.clusterflock.internal.net.Deadline;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One client of the control socket, on its own virtual thread: read one command line (within the
 * read timeout), answer, end. Whatever a client sends or fails to send ends here as an error line
 * or a closed connection; nothing of it reaches the master but a well-formed request. The
 * {@link io.clusterflock.internal.net.AcceptLoop} that accepted the client closes its channel.
 */
final class ControlConnection {
    /** A client that does not read its answer is dropped after this long. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    /** How long, and how much more, a client may send after its answer before the connection is closed anyway. */
    private static final Duration LINGER = Duration.ofSeconds(1);
    private static final long LINGER_BYTES = 16 << 20;

    /** One step of talking to the client; an IOException means it went away or was too slow. */
    private interface Exchange {
        void run() throws IOException;
    }

    private final SocketChannel channel;

    ControlConnection(SocketChannel channel) {
        this.channel = channel;
    }

    /** Reads one command line, within {@code readTimeout}, and has {@code handler} answer it. */
    void answer(CommandHandler handler, Duration readTimeout) {
        talk(() -> {
            switch (readRequest(readTimeout)) {
                case Request.Nothing _ -> { }
                case Request.Refused r -> line("error: " + r.reason());
                case Request.Line l -> execute(handler, l.text());
            }
        });
    }

    /** Tells a client beyond the cap to come back later. */
    void turnAway() {
        talk(() -> line("error: too many control connections at once; try again"));
    }

    private void talk(Exchange exchange) {
        try {
            exchange.run();
            lingeringClose();
        } catch (IOException e) {
            // the client went away, or was too slow: nothing to answer
        } catch (RuntimeException e) {
            System.getLogger("io.clusterflock").log(System.Logger.Level.WARNING, "a control command failed: " + e, e);
        }
    }

    private Request readRequest(Duration readTimeout) throws IOException {
        // The end of input wakes a read blocked on a client that has gone quiet.
        try (Deadline deadline = Deadline.after(readTimeout, this::shutdownInput)) {
            return RequestReader.read(channel, deadline::expired, readTimeout);
        }
    }

    private void execute(CommandHandler handler, String text) throws IOException {
        ControlCommand command;
        try {
            command = ControlCommand.parse(text);
        } catch (IllegalArgumentException e) {
            line("error: " + e.getMessage());
            return;
        }
        handler.handle(command, this::line);
    }

    /** Writes {@code text} and a newline, or drops the client if it does not take them in time. */
    private void line(String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
        try (Deadline _ = Deadline.after(WRITE_TIMEOUT, this::closeQuietly)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    /**
     * Ends the answer, then reads what the client still sends until it closes its end. Closing a
     * Unix socket with input unread resets the connection, and a client still writing (a
     * megabyte without a newline) would get the reset instead of its answer.
     */
    private void lingeringClose() throws IOException {
        channel.shutdownOutput();
        try (Deadline _ = Deadline.after(LINGER, this::closeQuietly)) {
            ByteBuffer discard = ByteBuffer.allocate(8192);
            for (long total = 0; total < LINGER_BYTES && channel.read(discard) >= 0; discard.clear()) {
                total += discard.position();
            }
        }
    }

    private void shutdownInput() {
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            // closed already
        }
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            // closed already
        }
    }
}
