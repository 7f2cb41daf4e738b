package io.clusterflock.internal.ipc;

import io.clusterflock.internal.supervisor.Input;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The master's end of the worker channel: a Unix socket in the master's private directory. Each
 * worker is spawned with its own random token and must present it first; the token is how the
 * master knows which worker is talking, and what keeps any other local process out. Reports
 * become supervisor {@link Input}s; bad input is answered with an error and logged, and never
 * reaches the supervisor.
 */
public final class IpcServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    private static final int HELLO_LIMIT = 256;
    private static final long HELLO_TIMEOUT_SECONDS = 10;

    private final Path path;
    private final ServerSocketChannel server;
    private final Consumer<Input> sink;
    private final SecureRandom random = new SecureRandom();
    /** Token → the pid of the worker it was issued to (known once the spawn returns). */
    private final Map<String, CompletableFuture<Long>> tokens = new ConcurrentHashMap<>();
    private final Map<Long, WorkerConnection> connections = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private IpcServer(Path path, ServerSocketChannel server, Consumer<Input> sink) {
        this.path = path;
        this.server = server;
        this.sink = sink;
    }

    /** Listens on {@code directory}/ipc.sock; the directory must be private to this user. */
    public static IpcServer start(Path directory, Consumer<Input> sink) throws IOException {
        Path path = directory.resolve("ipc.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        IpcServer ipc = new IpcServer(path, server, sink);
        Thread.ofPlatform().daemon().name("clusterflock-ipc").start(ipc::acceptLoop);
        return ipc;
    }

    public Path path() {
        return path;
    }

    /** A new token for a worker about to be spawned; {@link #bind} it to the pid once known. */
    public String issueToken() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        tokens.put(token, new CompletableFuture<>());
        return token;
    }

    public void bind(String token, long pid) {
        tokens.get(token).complete(pid);
    }

    /** The worker is gone (or never started): its token stops working and its connection closes. */
    public void forget(String token, long pid) {
        tokens.remove(token);
        WorkerConnection connection = connections.remove(pid);
        if (connection != null) {
            connection.close();
        }
    }

    /** Queues a message to one worker; false when it has no connection. */
    public boolean send(long pid, String text) {
        WorkerConnection connection = connections.get(pid);
        return connection != null && connection.send("msg " + text);
    }

    /** Queues a message to every connected worker; returns how many it was queued for. */
    public int broadcast(String text) {
        int sent = 0;
        for (WorkerConnection connection : connections.values()) {
            sent += connection.send("msg " + text) ? 1 : 0;
        }
        return sent;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel channel = server.accept();
                Thread.ofVirtual().name("clusterflock-ipc-connection").start(() -> serve(channel));
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "worker channel: accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel channel) {
        long pid = authenticate(channel);
        if (pid < 0) {
            closeQuietly(channel);
            return;
        }
        WorkerConnection connection = new WorkerConnection(pid, channel);
        connections.put(pid, connection);
        sink.accept(new Input.WorkerOnline(pid));
        connection.readLoop(sink);
        connections.remove(pid, connection);
    }

    /** The first frame must be {@code hello <token>}, within a few seconds; returns the pid or -1. */
    private long authenticate(SocketChannel channel) {
        // A peer that connects and says nothing is cut off, so it cannot pin a thread forever.
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> closeQuietly(channel),
                CompletableFuture.delayedExecutor(HELLO_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        try {
            String hello = Frames.read(channel, HELLO_LIMIT);
            // A token works once: a second hello with it cannot take over the worker's channel.
            CompletableFuture<Long> pid = hello.startsWith("hello ") ? tokens.remove(hello.substring(6)) : null;
            if (pid == null) {
                refuse(channel, "a connection that did not present a worker's token");
                return -1;
            }
            long result = pid.get(HELLO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            watchdog.cancel(false);
            return result;
        } catch (EOFException e) {
            return -1;
        } catch (Exception e) {
            refuse(channel, "a connection that did not introduce itself (" + e.getMessage() + ")");
            return -1;
        }
    }

    private void refuse(SocketChannel channel, String what) {
        LOG.log(System.Logger.Level.WARNING, "worker channel: refused " + what);
        try {
            Frames.write(channel, "error refused: present the token from CLUSTERFLOCK_IPC_TOKEN first");
        } catch (IOException ignored) {
            // it is being closed anyway
        }
    }

    static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.values().forEach(WorkerConnection::close);
        connections.clear();
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the private directory is removed by its owner
        }
    }
}
