package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/**
 * The JSON log carries as fields what the text line says in words, so no reader parses the words:
 * the pids of the first workers, and the numbers behind each cause.
 */
class EventJsonTest {
    private static final Instant TS = Instant.parse("2026-01-02T03:04:05.678Z");

    @Test
    void startedNamesItsWorkersPids() {
        String json = write(new ClusterEvent.Started(new InetSocketAddress(8080), "*:8080",
                List.of(worker(0, 41), worker(1, 42))));

        assertTrue(json.contains("\"event\":\"started\",\"address\":\"*:8080\",\"port\":8080,\"workers\":2,\"pids\":[41,42],"),
                json);
    }

    @Test
    void anExitSaysWhyAndWhetherItWasAskedForWithTheCausesNumbers() {
        WorkerExit exit = new WorkerExit(1, 42, 3, ExitStatus.exited(0), new EndCause.MaxRequests(1043, 1020),
                Duration.ofMillis(2_500));
        String json = write(new ClusterEvent.Exit(worker(1, 42), exit, Optional.empty()));

        assertEquals("{\"ts\":\"2026-01-02T03:04:05.678Z\",\"level\":\"info\",\"event\":\"exit\",\"slot\":1,\"pid\":42,"
                + "\"generation\":0,\"cause\":\"max-requests\",\"reason\":\"recycled after 1043 requests (limit 1020)\","
                + "\"requests\":1043,\"requestLimit\":1020,\"expected\":true,\"code\":0,\"signal\":null,"
                + "\"uptimeMillis\":2500,\"respawnInMillis\":null,"
                + "\"message\":\"worker 1 (pid 42) stopped with code 0 after 2.5s (recycled after 1043 requests (limit 1020))\"}",
                json);
    }

    @Test
    void recyclesByMemoryAndHangsCarryTheirBoundsInBytesAndMillis() {
        String rss = write(new ClusterEvent.Recycling(worker(0, 41),
                new EndCause.MaxRss(330L << 20, 300L << 20, Duration.ofSeconds(1))));
        String hung = write(new ClusterEvent.Killing(worker(0, 41), new EndCause.Hung(Duration.ofSeconds(3))));

        assertTrue(rss.contains("\"cause\":\"max-rss\",") && rss.contains(",\"rssBytes\":346030080,\"maxRssBytes\":314572800,"
                + "\"graceMillis\":1000,"), rss);
        assertTrue(hung.contains("\"level\":\"warning\",") && hung.contains("\"cause\":\"hung\",")
                && hung.contains(",\"workerTimeoutMillis\":3000,"), hung);
    }

    private static String write(ClusterEvent event) {
        return EventJson.write(TS, new EventText(ReadyWhen.STARTED).of(event), event);
    }

    private static WorkerInfo worker(int id, long pid) {
        return new WorkerInfo(id, pid, 0, WorkerState.READY, Optional.empty(), TS, 0, Optional.empty(), OptionalLong.empty());
    }
}
