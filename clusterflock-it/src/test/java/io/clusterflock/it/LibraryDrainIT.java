package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How library workers (Jetty behind {@code Clusterflock.serve}) stop: on the master's SIGTERM they
 * drain, and when the master is killed they notice and drain by themselves.
 */
@Timeout(120)
class LibraryDrainIT {
    /** Well within the guard's SIGKILL at 10 s + 1 s: workers gone by then exited on their own. */
    private static final Duration BY_THEMSELVES = Duration.ofSeconds(8);
    private static final Pattern SLEEPING = Pattern.compile("LibraryApp worker (\\d+) pid (\\d+) handling /sleep\\?ms=(\\d+)$");

    @Test
    void sigtermDrainsInFlightAndKeptAliveRequestsWithoutAFailureThenEverythingExits() throws Exception {
        try (MasterProcess master = LibraryCluster.start(List.of("-Dclusterflock.workers=2", "-Dclusterflock.port=0",
                "-Dclusterflock.timeout=5s"))) {
            int port = master.port();
            List<Long> workers = LibraryCluster.awaitReady(master);
            LibraryCluster.untilEveryId(port, 2, "/", LibraryCluster.SERVE_TIMEOUT);

            // Kept-alive connections, as a pooling client holds them, each already used once: at least
            // two to each worker (the kernel hands each new connection to whichever worker accepts).
            List<LoadKeepAlive> connections = new ArrayList<>();
            Map<Long, Integer> perWorker = new HashMap<>();
            try {
                while (connections.size() < 40 && !workers.stream().allMatch(w -> perWorker.getOrDefault(w, 0) >= 2)) {
                    LoadKeepAlive connection = LoadKeepAlive.open(port);
                    connections.add(connection);
                    LoadKeepAlive.Response first = connection.get("/");
                    assertEquals(200, first.status(), first.toString());
                    assertTrue(first.headers().containsKey("content-length"), first.toString());
                    perWorker.merge(LibraryCluster.Reply.parse(first.body()).pid(), 1, Integer::sum);
                }
                assertEquals(new HashSet<>(workers), perWorker.keySet(), "workers with kept-alive connections");
                CompletableFuture<Http.Response> slow = async(() -> Http.get(port, "/sleep?ms=2000"));
                master.awaitLine(SLEEPING, LibraryCluster.SERVE_TIMEOUT);

                // Every connection keeps asking (a request every poll interval, never idle for long)
                // until an answer says Connection: close; the SIGTERM falls in the middle of that.
                Set<String> failures = ConcurrentHashMap.newKeySet();
                AtomicInteger asking = new AtomicInteger();
                List<CompletableFuture<Integer>> askers = new ArrayList<>();
                for (LoadKeepAlive connection : connections) {
                    askers.add(async(() -> askUntilClosed(connection, asking, failures)));
                }
                // Only once every connection is in use again: one idle for a second is closed by the
                // drain, by design, and its client's next request would then race with that close.
                Await.until(LibraryCluster.SERVE_TIMEOUT, () -> asking + " of " + connections.size()
                        + " connections asking, failures " + failures, () -> asking.get() == connections.size());
                master.signal("TERM");

                Http.Response slowResponse = answer(slow, master);
                assertEquals(200, slowResponse.status(), slowResponse.toString());
                assertTrue(workers.contains(LibraryCluster.Reply.parse(slowResponse.body()).pid()), slowResponse.body());
                for (CompletableFuture<Integer> asker : askers) {
                    asker.get(15, TimeUnit.SECONDS);
                }
                assertEquals(Set.of(), failures, "requests on kept-alive connections during the drain" + master.output());
                for (LoadKeepAlive connection : connections) {
                    assertTrue(connection.closedByServer(Duration.ofSeconds(5)),
                            "a connection the worker said it would close stayed open");
                }
            } finally {
                connections.forEach(LoadKeepAlive::close);
            }

            assertEquals(0, master.awaitExit(Duration.ofSeconds(15)), master.output());
            MasterEvent shutdown = master.awaitEvent(EventMatch.of(MasterEvent.Kind.SHUTDOWN), Duration.ZERO);
            assertEquals(List.of(true, "SIGTERM"), List.of(shutdown.fields().get("graceful"), shutdown.text("by")), shutdown.toString());
            assertEquals(0, master.awaitEvent(EventMatch.of(MasterEvent.Kind.STOPPED), Duration.ZERO).number("exitCode"));
            for (long worker : workers) {
                MasterEvent exit = master.awaitEvent(EventMatch.about(MasterEvent.Kind.EXIT, worker), Duration.ZERO);
                assertEquals(List.of("shutdown", true, 0L), List.of(exit.cause(), exit.expected(), exit.fields().get("code")),
                        "drained and stopped with code 0: " + exit + master.output());
            }
            // timeout + 1 s + slack for the guard (see ShutdownIT: the master may exit before it releases it)
            assertTrue(Await.within(Duration.ofSeconds(5 + 1 + 2), () -> master.remaining().isEmpty()),
                    () -> "left behind:" + MasterProcess.describe(master.remaining()));
        }
    }

    /**
     * Asks {@code /} on {@code connection} until an answer says {@code Connection: close}; returns how
     * many requests that took, and counts itself in {@code asking} after the first. Anything but a
     * 200 with a Content-Length, or a connection that ends without such an answer, goes into {@code failures}.
     */
    private static int askUntilClosed(LoadKeepAlive connection, AtomicInteger asking, Set<String> failures) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
        int requests = 0;
        while (System.nanoTime() - deadline < 0) {
            LoadKeepAlive.Response response;
            try {
                response = connection.get("/");
            } catch (IOException e) {
                failures.add("request " + requests + " failed: " + e);
                return requests;
            }
            if (requests++ == 0) {
                asking.incrementAndGet();
            }
            if (response.status() != 200 || !response.headers().containsKey("content-length")) {
                failures.add("request " + requests + " answered " + response.status() + " " + response.headers());
                return requests;
            }
            if (response.closes()) {
                return requests;
            }
            Await.pause(); // pacing: one request per poll interval on each connection
        }
        failures.add("no answer said Connection: close within 12 s, after " + requests + " requests");
        return requests;
    }

    @Test
    void workersOfAMasterKilledWithSigkillFinishTheirRequestsAndExitGracefully() throws Exception {
        // A long timeout: the guard's SIGKILL would come only after 10 s + 1 s, so workers gone well
        // before that (8 s: room for a loaded machine) drained and exited on their own.
        try (MasterProcess master = LibraryCluster.start(List.of("-Dclusterflock.workers=2", "-Dclusterflock.port=0",
                "-Dclusterflock.timeout=10s"))) {
            int port = master.port();
            List<Long> workers = LibraryCluster.awaitReady(master);
            LibraryCluster.untilEveryId(port, 2, "/", LibraryCluster.SERVE_TIMEOUT);

            CompletableFuture<Http.Response> slow = async(() -> Http.get(port, "/sleep?ms=500"));
            master.awaitLine(SLEEPING, LibraryCluster.SERVE_TIMEOUT);
            long killed = System.nanoTime();
            master.signal("KILL");

            Http.Response response = answer(slow, master);
            assertEquals(200, response.status(), response.toString());
            assertTrue(workers.contains(LibraryCluster.Reply.parse(response.body()).pid()), response.body());
            assertTrue(Await.within(BY_THEMSELVES, () -> workers.stream().noneMatch(Procs::alive)),
                    () -> "workers alive " + BY_THEMSELVES.toSeconds() + " s after their master's SIGKILL:"
                            + MasterProcess.describe(workers.stream().filter(Procs::alive).toList()) + master.output());
            Duration took = Duration.ofNanos(System.nanoTime() - killed);
            System.out.println("[library-drain] workers gone " + took.toMillis() + " ms after their master's SIGKILL");
            assertTrue(took.compareTo(BY_THEMSELVES) <= 0, "the workers took " + took);
            // A JVM's main thread shows as a zombie while its other threads still tear down (and
            // hold the socket): the port closes a moment after the pids look gone.
            assertTrue(Await.within(Duration.ofSeconds(2), () -> Http.refused(port)),
                    "something still accepts on port " + port);
        }
    }

    /** The answer to an in-flight request; its failure fails the test with the cluster's output. */
    private static Http.Response answer(CompletableFuture<Http.Response> request, MasterProcess master)
            throws InterruptedException {
        try {
            return request.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the in-flight request failed: " + e + master.output(), e);
        }
    }

    private interface Call<T> {
        T call() throws IOException;
    }

    private static <T> CompletableFuture<T> async(Call<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, runnable -> Thread.ofPlatform().daemon().start(runnable));
    }
}
