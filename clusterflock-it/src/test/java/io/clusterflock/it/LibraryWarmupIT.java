package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.READY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Warm-up before accept: a library-mode worker runs its {@code onWarmup} hooks and sends itself the
 * operator's {@code --warmup} requests in-process before its first connection, and one whose
 * warm-up only gets errors is not ready.
 */
@Timeout(120)
class LibraryWarmupIT {
    @Test
    void warmUpRequestsReachTheHandlerBeforeTheFirstAcceptedConnection() {
        try (MasterProcess master = LibraryCluster.start(List.of("-Dclusterflock.workers=2", "-Dclusterflock.port=0",
                "-Dclusterflock.warmup=GET /; count 50"), "warmupHook")) {
            Map<Integer, LibraryCluster.Reply> replies = LibraryCluster.untilEveryId(master.port(), 2, "/warmed",
                    LibraryCluster.SERVE_TIMEOUT);

            for (LibraryCluster.Reply reply : replies.values()) {
                assertEquals(List.of("50", "50", "0"), List.of(reply.value("warmups"), reply.value("beforeFirst"),
                        reply.value("hook")), "warm-ups, warm-ups before the first request, warm-ups when the hook ran: "
                        + reply.body() + master.output());
            }
        }
    }

    @Test
    void aWorkerWhoseWarmUpGetsOnlyErrorsIsNotReadyAndExits() {
        try (MasterProcess master = LibraryCluster.start(List.of("-Dclusterflock.workers=1", "-Dclusterflock.port=0",
                "-Dclusterflock.warmup=GET /boom; count 3", "-Dclusterflock.respawnDelay=5s"))) {
            long pid = master.startedPids().getFirst();
            MasterEvent exit = master.awaitEvent(EventMatch.about(EXIT, pid), LibraryCluster.SERVE_TIMEOUT);

            assertEquals(List.of(1L, false), List.of(exit.fields().get("code"), exit.expected()), exit.toString());
            assertTrue(master.eventsAfter(0).stream().noneMatch(EventMatch.about(READY, pid)::test), master.output());
            master.awaitLine(Pattern.compile("worker 0 is not ready: GET /boom answered 500 to all 3 warm-up requests"),
                    Duration.ofSeconds(5));
        }
    }
}
