package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.STOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WebSockets in library mode through a reload and a stop, with the JDK's client against
 * examples/websocket (a private copy of its jar): every open socket ends with a close frame of
 * status 1001, never an abrupt end; neither a quiet socket nor a busy one holds its old worker for the drain time (a
 * {@code --timeout} of 30 s, against which "well within" means {@value #WELL_WITHIN_SECONDS} s); a
 * reconnecting client reaches the new generation, and with {@code --sticky} its own slot again.
 */
@Timeout(240)
class WebSocketIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TIMEOUT = "30s";
    private static final long WELL_WITHIN_SECONDS = 10;
    private static final int GOING_AWAY = 1001;

    @Test
    void aReloadClosesEverySocketWithGoingAwayAndClientsReconnectToTheNewGeneration() throws Exception {
        try (MasterProcess master = start(2, false)) {
            List<Long> oldWorkers = LibraryCluster.awaitReady(master);
            List<SocketClient> sockets = new ArrayList<>();
            try {
                // At least two sockets on each worker: one stays quiet, one keeps talking through the reload.
                Map<Long, Integer> perWorker = new HashMap<>();
                Await.until(WAIT, () -> "two sockets on each of " + oldWorkers + ", so far " + perWorker, () -> {
                    SocketClient socket = SocketClient.open(master.port());
                    sockets.add(socket);
                    perWorker.merge(socket.greeting().pid(), 1, Integer::sum);
                    return oldWorkers.stream().allMatch(pid -> perWorker.getOrDefault(pid, 0) >= 2);
                });
                List<CompletableFuture<Integer>> busy = new ArrayList<>();
                Set<Long> talking = new HashSet<>();
                for (SocketClient socket : sockets) {
                    assertEquals("echo hello", socket.ask("hello"));
                    if (talking.add(socket.greeting().pid())) {
                        busy.add(CompletableFuture.supplyAsync(socket::askUntilClosed,
                                runnable -> Thread.ofPlatform().daemon().start(runnable)));
                    }
                }

                int mark = master.mark();
                master.signal("USR2");
                ReloadLog.awaitServing(master, mark, 1, WAIT);
                for (SocketClient socket : sockets) {
                    assertEquals(GOING_AWAY, socket.closeStatus(WAIT), "the close status of the socket to " + socket.greeting()
                            + master.output());
                }
                for (CompletableFuture<Integer> talker : busy) {
                    assertTrue(talker.join() > 0, "a busy socket got no answer");
                }
                assertDrainedWellWithinTheTimeout(master, mark, oldWorkers, "reload");
                for (long pid : oldWorkers) { // the drain's last step, in the worker's own words: none was left out
                    master.awaitLineAfter(mark, Pattern.compile("clusterflock\\[" + pid + "\\] worker \\d+: closing "
                            + perWorker.get(pid) + " WebSockets \\(1001 going away\\)$"), WAIT);
                }

                ReloadLog.awaitGone(master, oldWorkers, WAIT, "the first generation's workers gone");
                try (SocketClient again = SocketClient.open(master.port())) {
                    assertEquals(1, again.greeting().generation(), "the reconnected socket's worker: " + again.greeting());
                    assertEquals("echo again", again.ask("again"));
                }
            } finally {
                sockets.forEach(SocketClient::close);
            }
            stop(master);
        }
    }

    @Test
    void aQuietSocketAloneHoldsNeitherAReloadNorAStop() {
        try (MasterProcess master = start(1, false)) {
            List<Long> oldWorkers = LibraryCluster.awaitReady(master);
            try (SocketClient socket = SocketClient.open(master.port())) {
                assertEquals("echo hello", socket.ask("hello"));
                int mark = master.mark();
                master.signal("USR2");
                assertEquals(GOING_AWAY, socket.closeStatus(WAIT), master.output());
                assertDrainedWellWithinTheTimeout(master, mark, oldWorkers, "reload");
            }
            ReloadLog.awaitGone(master, oldWorkers, WAIT, "the first generation's worker gone");
            try (SocketClient socket = SocketClient.open(master.port())) {
                assertEquals(1, socket.greeting().generation(), socket.greeting().toString());
                int mark = master.mark();
                master.signal("TERM");
                assertEquals(GOING_AWAY, socket.closeStatus(WAIT), master.output());
                assertDrainedWellWithinTheTimeout(master, mark, List.of(socket.greeting().pid()), "shutdown");
            }
            assertEquals(0, master.awaitExit(WAIT), master.output());
        }
    }

    @Test
    void withStickySessionsAClientReconnectingAfterAReloadReturnsToItsSlot() {
        List<String> clients = IntStream.rangeClosed(2, 9).mapToObj(i -> "127.0.0." + i).toList();
        try (MasterProcess master = start(3, true)) {
            List<Long> oldWorkers = LibraryCluster.awaitReady(master);
            Map<String, SocketClient> sockets = new TreeMap<>();
            Map<String, SocketClient> reopened = new TreeMap<>();
            try {
                clients.forEach(client -> sockets.put(client, SocketClient.open(master.port(), Optional.of(client))));
                Map<String, Integer> slots = slots(sockets);
                assertTrue(Set.copyOf(slots.values()).size() >= 2, clients.size() + " addresses on one slot: " + slots);

                int mark = master.mark();
                master.signal("USR2");
                // Each client reconnects as soon as its socket is closed, as a browser's script would.
                for (Map.Entry<String, SocketClient> socket : sockets.entrySet()) {
                    assertEquals(GOING_AWAY, socket.getValue().closeStatus(WAIT), "the close status of the socket from "
                            + socket.getKey() + master.output());
                    reopened.put(socket.getKey(), SocketClient.open(master.port(), Optional.of(socket.getKey())));
                }
                assertEquals(slots, slots(reopened), "each client's slot before and after the reload" + master.output());
                reopened.forEach((client, socket) -> assertEquals(1, socket.greeting().generation(),
                        client + " reconnected to " + socket.greeting()));
                ReloadLog.awaitServing(master, mark, 1, WAIT);
                assertDrainedWellWithinTheTimeout(master, mark, oldWorkers, "reload");
            } finally {
                sockets.values().forEach(SocketClient::close);
                reopened.values().forEach(SocketClient::close);
            }
            stop(master);
        }
    }

    /**
     * examples/websocket as a master of {@code workers} workers on a free port, with a 30 s timeout.
     * No AOT cache: a worker that trains one writes it as it exits, seconds on a busy machine, which
     * is not the drain's time.
     */
    private static MasterProcess start(int workers, boolean sticky) {
        List<String> command = new ArrayList<>(List.of(Fixtures.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dclusterflock.port=0", "-Dclusterflock.workers=" + workers,
                "-Dclusterflock.timeout=" + TIMEOUT, "-Dclusterflock.aotCache=off"));
        if (sticky) {
            command.add("-Dclusterflock.sticky=true");
        }
        command.addAll(List.of("-jar", LibraryCopies.exampleJar("websocket").toString()));
        return MasterProcess.program(command);
    }

    /**
     * Each of {@code workers}, stopped after line {@code mark} for {@code cause} ("reload",
     * "shutdown"), exited with code 0 within {@value #WELL_WITHIN_SECONDS} s of being asked to stop
     * (the master's own timestamps).
     */
    private static void assertDrainedWellWithinTheTimeout(MasterProcess master, int mark, List<Long> workers, String cause) {
        for (long pid : workers) {
            MasterEvent stopping = master.awaitEventAfter(mark, EventMatch.about(STOPPING, pid), WAIT);
            MasterEvent exit = master.awaitEventAfter(mark, EventMatch.about(EXIT, pid), WAIT);
            Duration took = exit.since(stopping);
            System.out.println("[websocket] worker " + pid + " drained and exited " + took.toMillis()
                    + " ms after its SIGTERM (timeout " + TIMEOUT + ")");
            assertEquals(cause, exit.cause(), exit + master.output());
            assertEquals(0L, exit.fields().get("code"), "exited by itself, code 0: " + exit + master.output());
            assertTrue(took.compareTo(Duration.ofSeconds(WELL_WITHIN_SECONDS)) < 0,
                    "worker " + pid + " took " + took.toMillis() + " ms to exit" + master.output());
        }
    }

    private static Map<String, Integer> slots(Map<String, SocketClient> sockets) {
        return sockets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                entry -> entry.getValue().greeting().slot(), (a, b) -> a, TreeMap::new));
    }

    /** SIGTERM: the example stops cleanly, with exit code 0. */
    private static void stop(MasterProcess master) {
        master.signal("TERM");
        assertEquals(0, master.awaitExit(Duration.ofSeconds(40)), master.output());
    }
}
