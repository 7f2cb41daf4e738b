package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Library mode: a program that calls {@code Clusterflock.serve} becomes a master that re-executes
 * its own JVM command line for each worker. One cluster of {@link LibraryApp}, started as an
 * operator would ({@code java -Xmx100m -Dcf.test=xyz -Dclusterflock.workers=3
 * -Dclusterflock.port=0 ... LibraryApp alpha beta}), serves every test here.
 */
@Timeout(120)
class LibraryModeIT {
    private static final int WORKERS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(40);

    private static MasterProcess master;
    private static int port;
    private static List<Long> pids;

    @BeforeAll
    static void startCluster() {
        master = LibraryCluster.start(List.of("-Xmx100m", "-Dcf.test=xyz",
                "-Dclusterflock.workers=" + WORKERS, "-Dclusterflock.port=0"), "alpha", "beta");
        port = master.port();
        pids = LibraryCluster.awaitReady(master);
    }

    @AfterAll
    static void stopCluster() {
        if (master != null) {
            master.close();
        }
    }

    @Test
    void threeWorkerJvmsAnswerThroughOnePort() {
        assertEquals(WORKERS, pids.size(), master.output());
        assertFalse(pids.contains(master.pid()), "the master " + master.pid() + " is among its workers " + pids);

        Map<Integer, LibraryCluster.Reply> answers = LibraryCluster.untilEveryId(port, WORKERS, "/", TIMEOUT);

        Set<Long> answered = answers.values().stream().map(LibraryCluster.Reply::pid).collect(Collectors.toSet());
        assertEquals(new HashSet<>(pids), answered, "the pids that answered" + master.output());
        assertEquals(Set.of(0, 1, 2), answers.keySet());
        for (long pid : answered) {
            assertTrue(Procs.alive(pid), "worker pid " + pid + " is not a live process");
        }
    }

    @Test
    void everyWorkerSeesItsIdAndGenerationZero() {
        Map<Integer, LibraryCluster.Reply> answers = LibraryCluster.untilEveryId(port, WORKERS, "/", TIMEOUT);

        for (int id = 0; id < WORKERS; id++) {
            assertEquals(0, answers.get(id).generation(), answers.get(id).body());
            assertEquals(id, answers.get(id).id());
        }
        // The master's forks name the same slots and pids as the answers.
        for (LibraryCluster.Reply answer : answers.values()) {
            MasterEvent fork = master.awaitEvent(EventMatch.about(MasterEvent.Kind.FORK, answer.pid()), Duration.ZERO);
            assertEquals(List.of(answer.id(), 0), List.of(fork.slot(), fork.generation()), fork.toString());
        }
    }

    @Test
    void aMessageFromEachWorkerIsAnsweredToThatWorkerOnly() {
        String nonce = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Integer> senderOf = new HashMap<>();
        // Each request lands on whichever worker accepts it: send until every worker has sent one.
        LibraryCluster.untilEveryId(port, WORKERS, n -> "/send?text=m" + n + "-" + nonce, reply -> {
            String text = reply.value("sent");
            senderOf.put(text, reply.id());
        }, reply -> true, TIMEOUT);

        Map<Integer, LibraryCluster.Reply> inboxes = LibraryCluster.untilEveryId(port, WORKERS, n -> "/inbox",
                inbox -> {
                    for (String line : inbox.lines()) {
                        if (line.startsWith("ack:") && line.endsWith("-" + nonce)) {
                            Integer sender = senderOf.get(line.substring(4));
                            assertEquals(inbox.id(), sender, "worker " + inbox.id() + " got the reply to a message of worker "
                                    + sender + ": " + inbox.body());
                        }
                    }
                },
                inbox -> senderOf.entrySet().stream().filter(e -> e.getValue() == inbox.id())
                        .allMatch(e -> inbox.lines().contains("ack:" + e.getKey())),
                TIMEOUT);

        assertEquals(Set.of(0, 1, 2), inboxes.keySet());
    }

    @Test
    void aBroadcastReachesEveryWorker() {
        String news = "news-" + UUID.randomUUID().toString().substring(0, 8);
        LibraryCluster.Reply sender = LibraryCluster.get(port, "/send?text=broadcast:" + news);

        Map<Integer, LibraryCluster.Reply> inboxes = LibraryCluster.untilEveryId(port, WORKERS, n -> "/inbox",
                inbox -> { }, inbox -> inbox.lines().contains(news), TIMEOUT);

        assertEquals(Set.of(0, 1, 2), inboxes.keySet());
        for (LibraryCluster.Reply inbox : inboxes.values()) {
            assertEquals(1, inbox.lines().stream().filter(news::equals).count(), "one copy of the news: " + inbox.body());
            boolean acked = inbox.lines().contains("ack:broadcast:" + news);
            assertEquals(inbox.id() == sender.id(), acked, "the ack of the broadcast request goes to its sender "
                    + sender.id() + " only: " + inbox.body());
        }
    }

    @Test
    void reExecutedWorkersKeepTheMastersJvmOptionsAndProgramArguments() {
        Map<Integer, LibraryCluster.Reply> answers = LibraryCluster.untilEveryId(port, WORKERS, "/jvm", TIMEOUT);

        for (LibraryCluster.Reply jvm : answers.values()) {
            assertTrue(pids.contains(jvm.pid()) && jvm.pid() != master.pid(), jvm.body());
            assertEquals("xyz", jvm.value("property"), jvm.body());
            assertEquals("alpha beta", jvm.value("args"), jvm.body());
            List<String> options = List.of(jvm.value("jvm").split(" "));
            assertTrue(options.contains("-Xmx100m") && options.contains("-Dcf.test=xyz"), jvm.body());
            long maxMemory = Long.parseLong(jvm.value("maxMemory"));
            assertTrue(maxMemory <= 100L << 20 && maxMemory > 64L << 20, "Runtime.maxMemory() " + maxMemory
                    + " is not that of -Xmx100m: " + jvm.body());
        }
    }
}
