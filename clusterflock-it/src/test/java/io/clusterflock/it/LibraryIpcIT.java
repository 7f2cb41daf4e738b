package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input on the worker channel (the master's ipc.sock), from a peer the test makes itself: a
 * connection without a worker's token is refused; with a real worker's token, an oversize, a
 * non-UTF-8 and an unknown request each get an error and a warning in the log, and a frame with a negative
 * length ends that one connection. Throughout, every worker serves and none is replaced.
 */
@Timeout(120)
class LibraryIpcIT {
    private static final int WORKERS = 2;
    private static final Duration ANSWER = Duration.ofSeconds(10);

    /**
     * Tokens work once, so the bad input is sent with the token of a command-mode worker that
     * never opens its channel (the JDK-only fixture): the peer speaks as that worker.
     */
    @Test
    void badInputOnTheWorkerChannelGetsAnErrorAndALogLineAndHarmsNoWorker() throws Exception {
        try (MasterProcess master = MasterProcess.run(Fixtures.javaWorker(), "-w", Integer.toString(WORKERS), "-p", "0")) {
            List<Long> workers = master.startedPids();
            ShutdownIT.awaitAccepting(master, workers);
            Path socket = LibraryIpcPeer.socketOf(master);
            assertEveryWorkerServes(master, master.port(), workers);
            abuse(master, master.port(), workers, socket);
        }
    }

    private static void abuse(MasterProcess master, int port, List<Long> workers, Path socket) throws IOException {
        // No token: refused, told why, cut off.
        try (LibraryIpcPeer peer = LibraryIpcPeer.connect(socket)) {
            peer.frame("hello 0123456789abcdef0123456789abcdef");
            assertError(peer, "error refused: present the token from CLUSTERFLOCK_IPC_TOKEN first");
            peer.awaitEnd(ANSWER);
        }
        master.awaitEvent(EventMatch.log("warning", Pattern.compile("^worker channel: refused a connection that did not present"
                + " a worker's token$")), ANSWER);
        // A report before any hello: the same.
        int mark = master.mark();
        try (LibraryIpcPeer peer = LibraryIpcPeer.connect(socket)) {
            peer.frame("ready");
            assertError(peer, "error refused: present the token from CLUSTERFLOCK_IPC_TOKEN first");
            peer.awaitEnd(ANSWER);
        }
        master.awaitEventAfter(mark, EventMatch.log("warning", Pattern.compile("^worker channel: refused a connection that"
                + " did not present a worker's token$")), ANSWER);
        assertEveryWorkerServes(master, port, workers);

        long victim = workers.getFirst();
        String token = LibraryIpcPeer.tokenOf(victim);
        try (LibraryIpcPeer peer = LibraryIpcPeer.connect(socket)) {
            peer.frame("hello " + token);

            mark = master.mark();
            peer.frame(1 << 20, new byte[1 << 20]); // a header announcing 1 MiB, then the 1 MiB
            assertError(peer, "error a message of 1048576 bytes is over the limit of 65600 bytes; dropped");
            master.awaitEventAfter(mark, EventMatch.log("warning", Pattern.compile("^worker channel: pid " + victim
                    + " sent a message of 1048576 bytes is over the limit of 65600 bytes; dropped$")), ANSWER);
            assertEveryWorkerServes(master, port, workers);

            mark = master.mark();
            peer.frame(4, new byte[] {'m', 's', 'g', (byte) 0xff}); // not UTF-8
            assertError(peer, "error a message that is not UTF-8 text; dropped");
            master.awaitEventAfter(mark, EventMatch.log("warning", Pattern.compile("^worker channel: pid " + victim
                    + " sent a message that is not UTF-8 text; dropped$")), ANSWER);
            assertEveryWorkerServes(master, port, workers);

            mark = master.mark();
            peer.frame("frobnicate the master");
            assertError(peer, "error an unknown request 'frobnicate'; ignored");
            master.awaitEventAfter(mark, EventMatch.log("warning", Pattern.compile("^worker channel: pid " + victim
                    + " sent an unknown request 'frobnicate'; ignored$")), ANSWER);
            assertEveryWorkerServes(master, port, workers);

            // After all that, the connection still carries a good report.
            String status = "still-heard-" + UUID.randomUUID().toString().substring(0, 8);
            peer.frame("status " + status);
            master.awaitEvent(EventMatch.about(MasterEvent.Kind.STATUS, victim).with("status", status), ANSWER);
        }

        // A negative length is no message: that connection ends, nothing else does. (The other
        // worker's token: a token works once.)
        mark = master.mark();
        long other = workers.get(1);
        try (LibraryIpcPeer peer = LibraryIpcPeer.connect(socket)) {
            peer.frame("hello " + LibraryIpcPeer.tokenOf(other));
            peer.frame(-1, "msg whatever".getBytes(StandardCharsets.UTF_8));
            peer.awaitEnd(ANSWER);
        }
        master.awaitEventAfter(mark, EventMatch.log("warning", Pattern.compile("^worker channel: pid " + other
                + " sent a frame length of 4294967295 bytes is not a message$")), ANSWER);
        assertEveryWorkerServes(master, port, workers);
        assertTrue(Procs.alive(victim), "the worker whose token was used is gone" + master.output());
    }

    /**
     * A token works once: a peer presenting a connected worker's token is refused, and the worker
     * keeps its channel (its messages still reach the master, the replies still reach it).
     */
    @Test
    void aTokenAlreadyInUseIsRefusedAndItsWorkerKeepsItsChannel() throws Exception {
        try (MasterProcess master = LibraryCluster.start(List.of("-Dclusterflock.workers=" + WORKERS,
                "-Dclusterflock.port=0"))) {
            int port = master.port();
            List<Long> workers = LibraryCluster.awaitReady(master);
            Path socket = LibraryIpcPeer.socketOf(master);
            long victim = workers.getFirst();

            try (LibraryIpcPeer peer = LibraryIpcPeer.connect(socket)) {
                peer.frame("hello " + LibraryIpcPeer.tokenOf(victim));
                assertError(peer, "error refused: present the token from CLUSTERFLOCK_IPC_TOKEN first");
                peer.awaitEnd(ANSWER);
            }

            String nonce = UUID.randomUUID().toString().substring(0, 8);
            Map<Integer, LibraryCluster.Reply> senders = LibraryCluster.untilEveryId(port, WORKERS,
                    n -> "/send?text=after-" + n + "-" + nonce, reply -> { }, reply -> true, ANSWER);
            Map<Integer, LibraryCluster.Reply> inboxes = LibraryCluster.untilEveryId(port, WORKERS, n -> "/inbox",
                    inbox -> { }, inbox -> inbox.lines().contains("ack:" + senders.get(inbox.id()).value("sent")),
                    ANSWER);
            assertEquals(Set.of(0, 1), inboxes.keySet());
            assertTrue(Procs.alive(victim), master.output());
        }
    }

    private static void assertError(LibraryIpcPeer peer, String expected) {
        Optional<String> frame = peer.next(ANSWER);
        assertEquals(Optional.of(expected), frame, "what the master answered");
    }

    /** Every worker of {@code pids} answers 200, and no worker was replaced or exited. */
    private static void assertEveryWorkerServes(MasterProcess master, int port, List<Long> pids) {
        Answers.untilEveryPid(port, Pattern.compile("worker (\\d+) pid (\\d+)"), pids, ANSWER);
        assertNoWorkerReplaced(master, pids);
    }

    private static void assertNoWorkerReplaced(MasterProcess master, List<Long> pids) {
        assertEquals(pids.size(), master.events(EventMatch.of(MasterEvent.Kind.FORK)).size(), "forks" + master.output());
        assertEquals(List.of(), master.events(EventMatch.of(MasterEvent.Kind.EXIT)), "exits" + master.output());
        for (long pid : pids) {
            assertTrue(Procs.alive(pid), "worker " + pid + " is gone" + master.output());
        }
    }
}
