package io.clusterflock.internal.master;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clusterflock.ClusterEvent;
import io.clusterflock.EndCause;
import io.clusterflock.ExitStatus;
import io.clusterflock.ReadyWhen;
import io.clusterflock.WorkerExit;
import io.clusterflock.WorkerInfo;
import io.clusterflock.WorkerState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The text and the JSON of events: both from the same event, the words written once. */
class EventLogTest {
    private static final Instant TS = Instant.parse("2026-12-01T22:15:01.123Z");
    private final EventText text = new EventText(ReadyWhen.STARTED);

    private static WorkerInfo worker(int id, long pid, int generation) {
        return new WorkerInfo(id, pid, generation, WorkerState.READY, Optional.empty(), TS, 0, Optional.empty(),
                OptionalLong.empty());
    }

    private static WorkerExit exit(EndCause cause, ExitStatus status) {
        return new WorkerExit(2, 4711, 1, status, cause, Duration.ofMillis(2_500));
    }

    @Test
    void oneWorkerIsOneWorker() {
        ClusterEvent.Started one = new ClusterEvent.Started(new InetSocketAddress(5000), "*:5000", List.of(worker(0, 7, 0)));
        assertEquals("listening on *:5000 (http://localhost:5000/) with 1 worker, pid 7", text.of(one).text());
        ClusterEvent.Started two = new ClusterEvent.Started(new InetSocketAddress(5000), "*:5000",
                List.of(worker(0, 7, 0), worker(1, 8, 0)));
        assertEquals("listening on *:5000 (http://localhost:5000/) with 2 workers, pids 7, 8", text.of(two).text());
        assertEquals("resized from 2 to 1 worker", text.of(new ClusterEvent.Resized(2, 1)).text());
    }

    @Test
    void anExitNobodyAskedForIsAWarningAndAnyOtherIsNot() {
        ClusterEvent.Exit crash = new ClusterEvent.Exit(worker(2, 4711, 1), exit(new EndCause.Unexpected(), ExitStatus.exited(3)),
                Optional.of(Duration.ofMillis(100)));
        assertEquals(new EventText.Line(WARNING,
                "worker 2 (pid 4711) exited unexpectedly with code 3 after 2.5s; re-forking in 100ms"), text.of(crash));
        ClusterEvent.Exit killed = new ClusterEvent.Exit(worker(2, 4711, 1), exit(new EndCause.Kill("SIGINT"), ExitStatus.killed(9)),
                Optional.empty());
        assertEquals(new EventText.Line(INFO,
                "worker 2 (pid 4711) was killed with signal 9 (KILL) after 2.5s (immediate shutdown (SIGINT))"), text.of(killed));
        ClusterEvent.Exit replaced = new ClusterEvent.Exit(worker(2, 4711, 1),
                exit(new EndCause.Replaced(2, false), ExitStatus.exited(0)), Optional.empty());
        assertEquals(new EventText.Line(INFO,
                "worker 2 (pid 4711) stopped with code 0 after 2.5s (replaced by generation 2)"), text.of(replaced));
        ClusterEvent.Exit hung = new ClusterEvent.Exit(worker(2, 4711, 1),
                exit(new EndCause.Hung(Duration.ofSeconds(5)), ExitStatus.killed(9)), Optional.of(Duration.ZERO));
        assertEquals(new EventText.Line(WARNING, "worker 2 (pid 4711) was killed with signal 9 (KILL) after 2.5s"
                + " (hung: no heartbeat for 5s); re-forking now"), text.of(hung));
    }

    @Test
    void anExitInJsonSaysItsCauseAndWhetherItWasExpected() {
        ClusterEvent.Exit killed = new ClusterEvent.Exit(worker(2, 4711, 1), exit(new EndCause.Kill("SIGINT"), ExitStatus.killed(9)),
                Optional.empty());
        assertEquals("{\"ts\":\"2026-12-01T22:15:01.123Z\",\"level\":\"info\",\"event\":\"exit\",\"slot\":2,\"pid\":4711,"
                + "\"generation\":1,\"cause\":\"kill\",\"reason\":\"immediate shutdown (SIGINT)\",\"by\":\"SIGINT\",\"expected\":true,"
                + "\"code\":null,\"signal\":\"KILL\",\"uptimeMillis\":2500,\"respawnInMillis\":null,"
                + "\"message\":\"worker 2 (pid 4711) was killed with signal 9 (KILL) after 2.5s (immediate shutdown (SIGINT))\"}",
                EventJson.write(TS, text.of(killed), killed));
        ClusterEvent.Exit crash = new ClusterEvent.Exit(worker(0, 9, 0), new WorkerExit(0, 9, 0, ExitStatus.exited(3),
                new EndCause.Unexpected(), Duration.ofSeconds(1)), Optional.of(Duration.ofMillis(200)));
        String json = EventJson.write(TS, text.of(crash), crash);
        assertEquals(true, json.contains("\"level\":\"warning\",\"event\":\"exit\",\"slot\":0,\"pid\":9,\"generation\":0,"
                + "\"cause\":\"unexpected\",\"reason\":\"exited unexpectedly\",\"expected\":false,\"code\":3,\"signal\":null,"
                + "\"uptimeMillis\":1000,\"respawnInMillis\":200,"), json);
    }

    @Test
    void everyEventHasAKebabCaseName() {
        assertEquals("reload-started", EventJson.name(new ClusterEvent.ReloadStarted(1, false)));
        assertEquals("stop-timeout", EventJson.name(new ClusterEvent.StopTimeout(worker(0, 1, 0), Duration.ofSeconds(1))));
        assertEquals("exit", EventJson.name(new ClusterEvent.Exit(worker(0, 1, 0),
                exit(new EndCause.Unexpected(), ExitStatus.exited(1)), Optional.empty())));
    }

    @Test
    void eventsWithoutAWorkerCarryTheirOwnFields() {
        ClusterEvent.ReloadFailed failed = new ClusterEvent.ReloadFailed(3, 2, "worker 0 (pid 5) of generation 3 exited");
        assertEquals("{\"ts\":\"2026-12-01T22:15:01.123Z\",\"level\":\"warning\",\"event\":\"reload-failed\",\"generation\":3,"
                + "\"serving\":2,\"reason\":\"worker 0 (pid 5) of generation 3 exited\",\"message\":\"reload to generation 3 gave up,"
                + " generation 2 keeps serving: worker 0 (pid 5) of generation 3 exited\"}",
                EventJson.write(TS, text.of(failed), failed));
    }
}
