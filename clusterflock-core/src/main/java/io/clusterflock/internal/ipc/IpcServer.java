package io.clusterflock.internal.ipc;

import io.clusterflock.internal.net.AcceptLoop;
import io.clusterflock.internal.net.Connection;
import io.clusterflock.internal.net.Deadline;
import io.clusterflock.internal.supervisor.Input;
import io.clusterflock.internal.util.Durations;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The master's end of the worker channel: a Unix socket in the master's private directory. Each
 * worker is spawned with its own random token and must present it first, within the hello
 * timeout; the token is how the master knows which worker is talking, and what keeps any other
 * local process out. Reports become supervisor {@link Input}s; bad input is answered with an
 * error and logged, and never reaches the supervisor.
 *
 * <p>An {@link AcceptLoop} serves at most {@link #MAX_STRANGERS} peers that have not presented a
 * token yet; more wait in the backlog. A worker that has presented its token no longer counts:
 * how many there are is the supervisor's to bound, one token per worker.
 */
public final class IpcServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    private static final int HELLO_LIMIT = 256;
    /** How long a peer has to present its token; a worker does it as soon as it connects. */
    static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Peers served at once that have not presented a token yet; more wait in the backlog. A worker
     * queued behind that many silent peers waits one hello timeout, so this is generous: each costs
     * only an fd and two virtual threads.
     */
    static final int MAX_STRANGERS = 256;
    private static final int BACKLOG = 256;
    private static final String REFUSAL = "error refused: present the token from CLUSTERFLOCK_IPC_TOKEN first";

    /** A token issued for a worker about to be spawned: the pid once the spawn returns, and whether it was used. */
    private record Token(CompletableFuture<Long> pid, AtomicBoolean presented) {
        Token() {
            this(new CompletableFuture<>(), new AtomicBoolean());
        }
    }

    private final Path path;
    private final AcceptLoop loop;
    private final Consumer<Input> sink;
    private final Duration helloTimeout;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<Long, WorkerConnection> connections = new ConcurrentHashMap<>();

    private IpcServer(Path path, AcceptLoop loop, Consumer<Input> sink, Duration helloTimeout) {
        this.path = path;
        this.loop = loop;
        this.sink = sink;
        this.helloTimeout = helloTimeout;
    }

    /** Listens on {@code directory}/ipc.sock; the directory must be private to this user. */
    public static IpcServer start(Path directory, Consumer<Input> sink) throws IOException {
        return start(directory, sink, HELLO_TIMEOUT);
    }

    static IpcServer start(Path directory, Consumer<Input> sink, Duration helloTimeout) throws IOException {
        Path path = directory.resolve("ipc.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path), BACKLOG);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        AcceptLoop loop = AcceptLoop.on(server, "worker channel", MAX_STRANGERS, new AcceptLoop.WhenFull.Wait());
        IpcServer ipc = new IpcServer(path, loop, sink, helloTimeout);
        loop.start(ipc::serve);
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
        tokens.put(token, new Token());
        return token;
    }

    /** The spawn of the worker holding {@code token} returned {@code pid}; it may have connected already. */
    public void bind(String token, long pid) {
        Token issued = tokens.get(token);
        if (issued != null) {
            issued.pid().complete(pid);
        }
    }

    /** The worker is gone (or never started): its token stops working and its connection closes. */
    /** A token whose worker never started: nobody may use it. */
    public void revoke(String token) {
        tokens.remove(token);
    }

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

    /** One peer, on its own virtual thread: a stranger until its token, then a worker until it goes. */
    private void serve(Connection connection) {
        SocketChannel channel = connection.channel();
        Optional<Long> pid = authenticate(channel);
        if (pid.isEmpty()) {
            return; // the loop closes it
        }
        connection.admit();
        WorkerConnection worker = new WorkerConnection(pid.get(), channel);
        connections.put(pid.get(), worker);
        sink.accept(new Input.WorkerOnline(pid.get()));
        worker.readLoop(sink);
        connections.remove(pid.get(), worker);
    }

    /** The first frame must be {@code hello <token>}, within the hello timeout: the worker's pid, or empty. */
    private Optional<Long> authenticate(SocketChannel channel) {
        String hello;
        // A peer that says nothing has its input ended at the deadline: the read below returns.
        Deadline deadline = Deadline.after(helloTimeout, () -> shutdownInput(channel));
        try (deadline) {
            hello = Frames.read(channel, HELLO_LIMIT);
        } catch (EOFException e) {
            if (deadline.expired()) {
                refuse(channel, "a connection that presented no token within " + Durations.format(helloTimeout));
            } // else it connected and closed without a word: nothing to tell it
            return Optional.empty();
        } catch (IOException e) {
            refuse(channel, "a connection that did not introduce itself (" + e.getMessage() + ")");
            return Optional.empty();
        }
        if (deadline.expired()) { // the hello came as the deadline passed: its input is shut all the same
            refuse(channel, "a connection that presented no token within " + Durations.format(helloTimeout));
            return Optional.empty();
        }
        // A token works once: a second hello with it cannot take over the worker's channel.
        Token token = hello.startsWith("hello ") ? tokens.get(hello.substring(6)) : null;
        if (token == null || !token.presented().compareAndSet(false, true)) {
            refuse(channel, "a connection that did not present a worker's token");
            return Optional.empty();
        }
        return pidOf(token, channel);
    }

    /** The pid of the worker that presented {@code token}, once the spawn that started it has returned. */
    private Optional<Long> pidOf(Token token, SocketChannel channel) {
        try {
            return Optional.of(token.pid().get(helloTimeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException | ExecutionException e) {
            refuse(channel, "a worker's token whose spawn did not return within " + Durations.format(helloTimeout));
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void refuse(SocketChannel channel, String what) {
        LOG.log(System.Logger.Level.WARNING, "worker channel: refused " + what);
        try {
            Frames.write(channel, REFUSAL);
        } catch (IOException ignored) {
            // it is being closed anyway
        }
    }

    private static void shutdownInput(SocketChannel channel) {
        try {
            channel.shutdownInput();
        } catch (IOException ignored) {
            // closed already
        }
    }

    static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }

    /** Stops accepting and closes every connection, a worker's or a stranger's, at once. */
    @Override
    public void close() {
        loop.close();
        connections.values().forEach(WorkerConnection::close);
        connections.clear();
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the private directory is removed by its owner
        }
    }
}
