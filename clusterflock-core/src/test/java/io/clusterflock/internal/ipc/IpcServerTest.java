package io.clusterflock.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.internal.supervisor.Input;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real worker channel in a temporary directory, with real {@link IpcClient}s and hand-made peers. */
@Timeout(120)
class IpcServerTest {
    private static final Duration HELLO_TIMEOUT = Duration.ofMillis(500);
    /** Long enough for anything that should happen on a loaded two-core machine. */
    private static final Duration SOON = Duration.ofSeconds(30);
    private static final String REFUSAL = "error refused: present the token from CLUSTERFLOCK_IPC_TOKEN first";

    @TempDir
    Path tmp;
    private final BlockingQueue<Input> inputs = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private IpcServer server;

    @BeforeEach
    void start() throws IOException {
        server = IpcServer.start(tmp, inputs::add, HELLO_TIMEOUT);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
        server.close();
    }

    @Test
    void idleConnectionsAreAllClosedAfterTheHelloTimeoutWhileWorkersStillConnectAndReport() throws Exception {
        BlockingQueue<String> toEarly = new LinkedBlockingQueue<>();
        IpcClient early = worker(41, toEarly);
        assertEquals(new Input.WorkerOnline(41), next());

        List<SocketChannel> idle = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            idle.add(peer());
        }
        // A worker that came first reports while the idle peers are held (it takes no stranger's place)...
        early.write("ready");
        assertEquals(new Input.WorkerReady(41), next());
        // ...and one that comes after them gets its turn as they time out.
        BlockingQueue<String> toLate = new LinkedBlockingQueue<>();
        IpcClient late = worker(42, toLate);
        assertEquals(new Input.WorkerOnline(42), next());
        late.write("ready");
        assertEquals(new Input.WorkerReady(42), next());

        // Every idle peer is told why and closed.
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> heard = idle.stream().map(peer -> readers.submit(() -> readToEnd(peer))).toList();
            for (Future<List<String>> frames : heard) {
                assertEquals(List.of(REFUSAL), frames.get(SOON.toMillis(), TimeUnit.MILLISECONDS));
            }
        }
        // The workers kept their channels throughout.
        assertEquals(2, server.broadcast("still there"));
        assertEquals("still there", toEarly.poll(SOON.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals("still there", toLate.poll(SOON.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    void aPeerWithoutAWorkersTokenIsToldWhyAndClosed() throws Exception {
        SocketChannel peer = peer();
        Frames.write(peer, "hello 0123456789abcdef0123456789abcdef");
        assertEquals(List.of(REFUSAL), readToEnd(peer));
        SocketChannel reporter = peer();
        Frames.write(reporter, "ready");
        assertEquals(List.of(REFUSAL), readToEnd(reporter));
        assertNull(inputs.poll(), "nothing reached the supervisor");
    }

    @Test
    void aTokenWorksOnce() throws Exception {
        String token = server.issueToken();
        server.bind(token, 43);
        open.add(IpcClient.connect(server.path(), token, text -> { }, () -> { }));
        assertEquals(new Input.WorkerOnline(43), next());
        SocketChannel thief = peer();
        Frames.write(thief, "hello " + token);
        assertEquals(List.of(REFUSAL), readToEnd(thief));
    }

    @Test
    void aWorkerThatConnectsBeforeItsSpawnReturnsIsKnownOnceItDoes() throws Exception {
        String token = server.issueToken();
        open.add(IpcClient.connect(server.path(), token, text -> { }, () -> { }));
        server.bind(token, 44);
        assertEquals(new Input.WorkerOnline(44), next());
    }

    @Test
    void closingTheServerEndsEveryWorkersChannel() throws Exception {
        CountDownLatch lost = new CountDownLatch(1);
        String token = server.issueToken();
        server.bind(token, 45);
        open.add(IpcClient.connect(server.path(), token, text -> { }, lost::countDown));
        assertEquals(new Input.WorkerOnline(45), next());
        SocketChannel stranger = peer();
        server.close();
        assertTrue(lost.await(SOON.toMillis(), TimeUnit.MILLISECONDS), "the worker saw the master go");
        assertEquals(List.of(), readToEnd(stranger));
    }

    /** A worker's client, its token issued and bound to {@code pid} as the launcher does. */
    private IpcClient worker(long pid, BlockingQueue<String> messages) throws IOException {
        String token = server.issueToken();
        server.bind(token, pid);
        IpcClient client = IpcClient.connect(server.path(), token, messages::add, () -> { });
        open.add(client);
        return client;
    }

    private SocketChannel peer() throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(server.path()));
        open.add(channel);
        return channel;
    }

    private Input next() throws InterruptedException {
        return Optional.ofNullable(inputs.poll(SOON.toMillis(), TimeUnit.MILLISECONDS))
                .orElseThrow(() -> new AssertionError("no input within " + SOON));
    }

    /**
     * The frames the master sends until it closes the connection. A connection still in the
     * backlog when the socket closes is reset rather than ended: closed all the same.
     */
    private static List<String> readToEnd(SocketChannel channel) throws IOException {
        List<String> frames = new ArrayList<>();
        try {
            while (true) {
                frames.add(Frames.read(channel, Frames.MAX_FRAME));
            }
        } catch (EOFException | SocketException e) {
            return frames;
        }
    }
}
