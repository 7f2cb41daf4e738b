package io.clusterflock.control;

import io.clusterflock.internal.control.ControlPaths;
import java.nio.file.Path;
import io.clusterflock.internal.net.Deadline;
import io.clusterflock.internal.control.PrivateDirectory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The operator's end of the control socket: sends one command to the master of a named cluster
 * and hands over each line of the answer as it arrives (stop answers twice: at once, and when the
 * cluster is gone).
 */
public final class ControlClient {
    /** A master answers at once; one that says nothing for this long is not answering. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final Path socket;

    private ControlClient(String name, Path socket) {
        this.name = name;
        this.socket = socket;
    }

    /**
     * The client of cluster {@code name} of this user ({@code --name}; "default" when none was given).
     *
     * @throws ControlException when the name is not a valid cluster name
     */
    public static ControlClient forName(String name) {
        return new ControlClient(name, ControlPaths.of(name).socket());
    }

    /** The client of the master whose control socket is {@code socket}; {@code name} is what messages call it. */
    public static ControlClient forSocket(String name, Path socket) {
        return new ControlClient(name, socket.toAbsolutePath());
    }

    /**
     * Sends {@code command} and passes each answer line to {@code onLine} until the master closes.
     *
     * @throws ControlException when no master of that name runs, or it cannot be reached
     */
    public void send(ControlCommand command, Consumer<String> onLine) {
        try (SocketChannel channel = connect()) {
            channel.write(ByteBuffer.wrap((command.line() + "\n").getBytes(StandardCharsets.UTF_8)));
            read(channel, onLine);
        } catch (IOException e) {
            throw new ControlException("lost the connection to the master of '" + name + "' at " + socket
                    + ": " + e.getMessage(), e);
        }
    }

    private SocketChannel connect() {
        if (!Files.exists(socket)) {
            throw new ControlException("no cluster named '" + name + "' is running (no control socket at " + socket + ")");
        }
        try {
            PrivateDirectory.check(socket.getParent().getParent());
            PrivateDirectory.check(socket.getParent());
        } catch (NoSuchFileException e) {
            throw new ControlException("no cluster named '" + name + "' is running (no control socket at " + socket + ")");
        } catch (IOException e) {
            throw new ControlException("cannot check " + socket.getParent() + ": " + e.getMessage(), e);
        }
        try {
            return SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (SocketException e) {
            String why = e.getMessage() == null ? "" : e.getMessage();
            if (why.contains("Connection refused")) {
                throw new ControlException("no cluster named '" + name + "' is running (nothing answers at "
                        + socket + ", left by a master that did not stop cleanly)");
            }
            throw new ControlException("cannot reach the master of '" + name + "' at " + socket + ": " + why, e);
        } catch (IOException e) {
            throw new ControlException("cannot reach the master of '" + name + "' at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Reads lines until the end; gives up if the master has said nothing within {@link #ANSWER_TIMEOUT}. */
    private void read(SocketChannel channel, Consumer<String> onLine) throws IOException {
        AtomicBoolean answered = new AtomicBoolean();
        BufferedReader reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        try (Deadline _ = Deadline.after(ANSWER_TIMEOUT, () -> {
            if (!answered.get()) {
                try {
                    channel.shutdownInput();
                } catch (IOException e) {
                    // closed already
                }
            }
        })) {
            String line;
            while ((line = reader.readLine()) != null) {
                answered.set(true);
                onLine.accept(line);
            }
        }
        if (!answered.get()) {
            throw new ControlException("the master of '" + name + "' at " + socket + " did not answer within "
                    + ANSWER_TIMEOUT.toSeconds() + "s");
        }
    }
}
