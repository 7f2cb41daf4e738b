package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.CLOSING;
import static io.clusterflock.it.MasterEvent.Kind.SHUTDOWN;
import static io.clusterflock.it.MasterEvent.Kind.STOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A graceful shutdown behind a load balancer: with {@code --shutdown-delay} the cluster serves as
 * usual for that long after SIGTERM; then it closes the door, and no connection the kernel has
 * accepted is reset: clients that keep connecting through the whole shutdown are served, or
 * refused at the handshake, never cut off after it.
 */
@Timeout(120)
class ShutdownDoorIT {
    private static final Pattern HELLO = Pattern.compile("^hello from worker (\\d+) \\(pid (\\d+)\\)$");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void duringTheShutdownDelayTheClusterServesAsUsual() throws Exception {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "--shutdown-delay", "6s")) {
            int port = master.port();
            Answers.untilEveryPid(port, HELLO, master.startedPids(), Duration.ofSeconds(40));
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(WAIT).build();
            assertEquals(200, client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()); // a kept-alive connection

            master.signal("TERM");
            MasterEvent shutdown = master.awaitEvent(EventMatch.of(SHUTDOWN), WAIT);
            assertEquals(6_000, shutdown.number("delayMillis"));
            HttpResponse<String> kept = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, kept.statusCode());
            assertTrue(kept.headers().firstValue("connection").isEmpty(), "no Connection: close during the delay: " + kept.headers());
            assertEquals(200, Http.get(port, "/").status(), "a new connection is served during the delay");
            // (6 s is ample for the requests above even on a loaded machine; were it not, the next line says so)
            assertTrue(master.events(EventMatch.of(CLOSING)).isEmpty() && master.events(EventMatch.of(STOPPING)).isEmpty(),
                    "no worker drains during the delay" + master.output());

            MasterEvent closing = master.awaitEvent(EventMatch.of(CLOSING), WAIT);
            Duration delayed = Duration.between(shutdown.ts(), closing.ts());
            assertTrue(delayed.compareTo(Duration.ofMillis(5_900)) >= 0, "the door closed " + delayed + " after SIGTERM");
            assertEquals(0, master.awaitExit(WAIT), master.output());
        }
    }

    @Test
    void clientsConnectingThroughTheWholeShutdownAreServedOrRefusedNeverReset() throws Exception {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0")) {
            int port = master.port();
            Answers.untilEveryPid(port, HELLO, master.startedPids(), Duration.ofSeconds(40));
            Clients clients = new Clients(port, 4);
            try {
                Await.until(WAIT, () -> "200 answers before the shutdown: " + clients, () -> clients.served.get() >= 200);
                master.signal("TERM");
                assertEquals(0, master.awaitExit(WAIT), master.output());
                int refusedBefore = clients.refused.get();
                Await.until(WAIT, () -> "clients refused once the socket is gone: " + clients, () -> clients.refused.get() > refusedBefore);
            } finally {
                clients.stop();
            }
            assertEquals(List.of(), List.copyOf(clients.failures), clients + master.output());
            assertTrue(master.awaitEvent(EventMatch.of(CLOSING), Duration.ZERO).line()
                    < master.awaitEvent(EventMatch.of(STOPPING), Duration.ZERO).line(), "the door closes before workers drain");
        }
    }

    /** Clients that each open a connection per request, back to back, and sort out how each one ended. */
    private static final class Clients {
        final AtomicInteger served = new AtomicInteger();
        /** Refused at the handshake (RST to the SYN): the socket is gone. */
        final AtomicInteger refused = new AtomicInteger();
        /** No answer to the SYN within the connect timeout: the door is closed, the socket not gone yet. */
        final AtomicInteger unanswered = new AtomicInteger();
        /** Connected, then reset or closed without a whole answer. */
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Clients(int port, int count) {
            for (int i = 0; i < count; i++) {
                threads.add(Thread.ofPlatform().daemon().name("shutdown-client-" + i).start(() -> {
                    while (running.get()) {
                        once(port);
                    }
                }));
            }
        }

        private void once(int port) {
            try (Socket socket = new Socket()) {
                try {
                    socket.connect(new InetSocketAddress(Http.HOST, port), 1_000);
                } catch (ConnectException e) {
                    refused.incrementAndGet();
                    pause();
                    return;
                } catch (SocketTimeoutException e) {
                    unanswered.incrementAndGet();
                    return;
                }
                socket.setSoTimeout(20_000);
                try {
                    socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    String answer = readAll(socket.getInputStream());
                    if (answer.startsWith("HTTP/1.1 200") && answer.contains("hello from worker")) {
                        served.incrementAndGet();
                    } else {
                        failures.add("an incomplete answer after the handshake: '" + answer + "'");
                    }
                } catch (IOException e) {
                    failures.add("after the handshake: " + e);
                }
            } catch (IOException e) {
                failures.add("closing: " + e);
            }
        }

        private static String readAll(InputStream in) throws IOException {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }

        private static void pause() {
            try {
                Thread.sleep(10); // refused at once: do not spin
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(5_000);
            }
        }

        @Override
        public String toString() {
            return "served " + served + ", refused " + refused + ", unanswered " + unanswered + ", failed " + failures.size();
        }
    }
}
