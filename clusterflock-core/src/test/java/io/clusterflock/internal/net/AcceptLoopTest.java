package io.clusterflock.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real Unix sockets in a temporary directory, or a fake listener where accept must fail. */
@Timeout(60)
class AcceptLoopTest {
    /** Long enough for anything that should happen on a loaded two-core machine. */
    private static final Duration SOON = Duration.ofSeconds(20);
    /** How long something that must not happen is watched for: a broken cap shows within microseconds. */
    private static final Duration WATCH = Duration.ofMillis(300);

    @TempDir
    Path tmp;
    private final List<AutoCloseable> open = new ArrayList<>();
    /** Handlers wait here: each permit lets one of them return. */
    private final Semaphore gate = new Semaphore(0);
    /** Each handler, as it starts, puts its channel here. */
    private final BlockingQueue<SocketChannel> served = new LinkedBlockingQueue<>();

    @AfterEach
    void closeAll() throws Exception {
        gate.release(1_000);
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
    }

    @Test
    void eachConnectionIsServedOnAVirtualThreadOfItsOwnAndClosedWhenItsHandlerReturns() throws Exception {
        Path socket = tmp.resolve("test.sock");
        AcceptLoop loop = loop(socket, 4, new AcceptLoop.WhenFull.Wait());
        List<Boolean> virtual = Collections.synchronizedList(new ArrayList<>());
        loop.start(connection -> {
            virtual.add(Thread.currentThread().isVirtual());
            connection.channel().write(StandardCharsets.UTF_8.encode("hi\n"));
        });
        for (int i = 0; i < 3; i++) {
            assertEquals("hi\n", readToEnd(connect(socket)));
        }
        assertEquals(List.of(true, true, true), virtual);
    }

    @Test
    void beyondTheCapAConnectionWaitsInTheBacklogUntilAPlaceIsFree() throws Exception {
        Path socket = tmp.resolve("test.sock");
        loop(socket, 2, new AcceptLoop.WhenFull.Wait()).start(this::holdUntilLetGo);
        for (int i = 0; i < 3; i++) {
            connect(socket);
        }
        next();
        next();
        assertNull(served.poll(WATCH.toMillis(), TimeUnit.MILLISECONDS), "a third connection was served beside two");
        gate.release();
        next();
    }

    @Test
    void anAdmittedConnectionNoLongerTakesAPlace() throws Exception {
        Path socket = tmp.resolve("test.sock");
        loop(socket, 1, new AcceptLoop.WhenFull.Wait()).start(connection -> {
            connection.admit();
            connection.admit(); // twice gives back no second place
            holdUntilLetGo(connection);
        });
        for (int i = 0; i < 5; i++) {
            connect(socket);
            next();
        }
    }

    @Test
    void beyondTheCapAClientIsTurnedAwayAndBeyondThatClosedUnanswered() throws Exception {
        Path socket = tmp.resolve("test.sock");
        BlockingQueue<SocketChannel> turnedAway = new LinkedBlockingQueue<>();
        AcceptLoop loop = loop(socket, 1, new AcceptLoop.WhenFull.TurnAway(1, connection -> {
            connection.channel().write(StandardCharsets.UTF_8.encode("come back later\n"));
            turnedAway.add(connection.channel());
            gate.acquireUninterruptibly();
        }));
        loop.start(this::holdUntilLetGo);
        connect(socket);
        next();
        SocketChannel second = connect(socket);
        assertEquals("come back later\n", readLine(second));
        assertEquals("", readToEnd(connect(socket)), "the third is closed without a word");
        gate.release(2); // both return: places for the next two
        assertEquals("", readToEnd(second), "closed once told");
        awaitNoneServed(loop); // the first handler may still be on its way out, holding the place
        connect(socket);
        next();
    }

    @Test
    void aFailingAcceptIsRetriedAfterAPauseEachTimeNeverInASpin() throws Exception {
        List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());
        FailingListener listener = new FailingListener(8);
        try (LogCapture log = new LogCapture()) {
            AcceptLoop loop = new AcceptLoop("test socket", listener, 4, new AcceptLoop.WhenFull.Wait(),
                    new RetryBackoff("accepting on the test socket", Duration.ofMillis(10), Duration.ofMillis(100), pauses::add));
            open.add(loop);
            loop.start(connection -> served.add(connection.channel()));
            assertTrue(listener.waiting.await(SOON.toMillis(), TimeUnit.MILLISECONDS), "the loop kept accepting");
            // Eight failures, a pause after each (a spinning loop would have none), then a connection.
            assertEquals(List.of(10L, 20L, 40L, 80L, 100L, 100L, 100L, 100L), pauses.stream().map(Duration::toMillis).toList());
            assertEquals(10, listener.calls.get());
            next();
            assertEquals(List.of("WARNING accepting on the test socket failed: Too many open files; retrying with pauses of up"
                    + " to 100ms (said again when it works)", "INFO accepting on the test socket works again, after 8 failures"),
                    log.lines());
        }
    }

    @Test
    void closingStopsAcceptingAndClosesWhatIsStillOpenAfterTheGrace() throws Exception {
        Path socket = tmp.resolve("test.sock");
        AcceptLoop loop = loop(socket, 1, new AcceptLoop.WhenFull.Wait());
        loop.start(connection -> {
            served.add(connection.channel());
            connection.channel().read(ByteBuffer.allocate(1)); // until the loop closes it
        });
        SocketChannel first = connect(socket);
        next();
        connect(socket); // waits for a place that never comes
        loop.close(Duration.ofMillis(100));
        assertEquals("", readToEnd(first), "closed by the loop");
        assertEquals(0, loop.served());
        assertThrows(IOException.class, () -> SocketChannel.open(UnixDomainSocketAddress.of(socket)), "no longer accepting");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("clusterflock-test-socket")),
                "the accepting thread is gone");
    }

    /** As in the master's stop, when the thread waiting for the exit runs the release of the sockets. */
    @Test
    void aHandlerThatClosesItsOwnLoopKeepsItsConnectionUntilItReturns() throws Exception {
        Path socket = tmp.resolve("test.sock");
        AcceptLoop loop = loop(socket, 4, new AcceptLoop.WhenFull.Wait());
        loop.start(connection -> {
            served.add(connection.channel());
            if (connection.channel().read(ByteBuffer.allocate(1)) > 0) { // the closer; the other reads until closed
                loop.close(Duration.ZERO);
                connection.channel().write(StandardCharsets.UTF_8.encode("closed, and still answering\n"));
            }
        });
        SocketChannel other = connect(socket);
        next();
        SocketChannel closer = connect(socket);
        next();
        closer.write(StandardCharsets.UTF_8.encode("x"));
        assertEquals("closed, and still answering\n", readToEnd(closer));
        assertEquals("", readToEnd(other), "closed by the loop");
    }

    private AcceptLoop loop(Path socket, int cap, AcceptLoop.WhenFull whenFull) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket), 64);
        AcceptLoop loop = AcceptLoop.on(server, "test socket", cap, whenFull);
        open.add(loop);
        return loop;
    }

    private static void awaitNoneServed(AcceptLoop loop) throws InterruptedException {
        long end = System.nanoTime() + SOON.toNanos();
        while (loop.served() > 0) {
            assertTrue(System.nanoTime() < end, "connections still served after " + SOON);
            Thread.sleep(10); // polling a count the loop keeps for tests; no event to wait on
        }
    }

    private void holdUntilLetGo(Connection connection) {
        served.add(connection.channel());
        gate.acquireUninterruptibly();
    }

    private SocketChannel next() throws InterruptedException {
        SocketChannel channel = served.poll(SOON.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(channel != null, "a connection was served within " + SOON);
        return channel;
    }

    private SocketChannel connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        open.add(channel);
        return channel;
    }

    private static String readLine(SocketChannel channel) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        try (Deadline _ = Deadline.after(SOON, () -> shutdownInput(channel))) {
            while (line.isEmpty() || line.charAt(line.length() - 1) != '\n') {
                if (channel.read(one.clear()) < 0) {
                    break;
                }
                line.append((char) one.flip().get());
            }
        }
        return line.toString();
    }

    /** What the server sends until it closes; an unclosed connection shows as a failed test, not a hang. */
    private static String readToEnd(SocketChannel channel) throws IOException {
        try (Deadline deadline = Deadline.after(SOON, () -> shutdownInput(channel))) {
            InputStream in = Channels.newInputStream(channel);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(!deadline.expired(), "the server closed the connection within " + SOON);
            return text;
        }
    }

    private static void shutdownInput(SocketChannel channel) {
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            // closed already
        }
    }

    /** Fails its first accepts as a process out of fds would, then hands out one connection, then waits until closed. */
    private static final class FailingListener implements AcceptLoop.Listener {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch waiting = new CountDownLatch(1);
        private final CountDownLatch closed = new CountDownLatch(1);
        private final int failures;

        FailingListener(int failures) {
            this.failures = failures;
        }

        @Override
        public SocketChannel accept() throws IOException {
            int call = calls.incrementAndGet();
            if (call <= failures) {
                throw new IOException("Too many open files");
            }
            if (call == failures + 1) {
                return SocketChannel.open(StandardProtocolFamily.UNIX);
            }
            waiting.countDown();
            try {
                closed.await();
            } catch (InterruptedException e) {
                throw new ClosedByInterruptException();
            }
            throw new ClosedChannelException();
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }
}
