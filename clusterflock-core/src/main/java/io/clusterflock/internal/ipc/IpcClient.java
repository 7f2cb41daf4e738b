package io.clusterflock.internal.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The worker's end of the worker channel. Introduces itself with its token, then sends reports
 * and reads the master's messages on a daemon thread. The end of the stream means the master is
 * gone: {@code onMasterLost} runs once.
 */
public final class IpcClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");

    private final SocketChannel channel;
    private final Object writeLock = new Object();

    private IpcClient(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Connects and starts reading: {@code onMessage} gets each message's text, {@code onMasterLost}
     * runs when the master closes the channel or dies.
     */
    public static IpcClient connect(Path path, String token, Consumer<String> onMessage, Runnable onMasterLost)
            throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
            IpcClient client = new IpcClient(channel);
            client.write("hello " + token);
            Thread.ofPlatform().daemon().name("clusterflock-master-channel")
                    .start(() -> client.readLoop(onMessage, onMasterLost));
            return client;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Sends one report: {@code "ready"}, {@code "listening"}, {@code "msg <text>"}, … */
    public void write(String frame) throws IOException {
        synchronized (writeLock) {
            Frames.write(channel, frame);
        }
    }

    private void readLoop(Consumer<String> onMessage, Runnable onMasterLost) {
        try {
            while (true) {
                try {
                    String frame = Frames.read(channel, Frames.MAX_FRAME);
                    if (frame.startsWith("msg ")) {
                        onMessage.accept(frame.substring(4));
                    } else if (frame.startsWith("error ")) {
                        LOG.log(System.Logger.Level.WARNING, "the master refused a report: " + frame.substring(6));
                    }
                } catch (Frames.BadFrame e) {
                    LOG.log(System.Logger.Level.WARNING, "the master sent " + e.getMessage());
                    if (!e.skipped) {
                        break;
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "a message handler failed: " + e, e);
                }
            }
        } catch (EOFException e) {
            // the master closed the channel: it is gone
        } catch (IOException e) {
            if (!channel.isOpen()) {
                return; // we closed it ourselves
            }
        }
        if (channel.isOpen()) {
            onMasterLost.run();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
