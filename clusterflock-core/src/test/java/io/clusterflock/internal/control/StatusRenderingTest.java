package io.clusterflock.internal.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.EndCause;
import io.clusterflock.ExitStatus;
import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerExit;
import io.clusterflock.WorkerInfo;
import io.clusterflock.WorkerState;
import io.clusterflock.internal.supervisor.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusRenderingTest {
    private final FakeMaster master = new FakeMaster();

    @Test
    void theTableHasTheMasterThenARowPerWorkerAndPerSlotBackingOff() {
        assertEquals(List.of(
                "cluster 'default': master pid 4711, up 3m12s, listening on *:5000, generation 1, 4 workers",
                "SLOT  PID   GEN  STATE                 UPTIME  RESTARTS  RSS       HEAP     REQUESTS  LAST EXIT",
                "0     4712  1    ready                 3m12s   0         48.2 MiB  126 MiB  1234      -",
                "1     4713  1    starting              1s      2         -         -        -         SIGKILL (hung: no heartbeat for 5s)",
                "2     4700  0    draining (reload)     2h05m   0         48.2 MiB  -        99        -",
                "2     4714  1    ready                 3s      0         48.2 MiB  -        0         -",
                "3     -     1    backing off for 3.2s  -       4         -         -        -         code 3 (exited unexpectedly)"),
                StatusText.render(StatusReport.of(master)));
    }

    @Test
    void theMasterLineShowsTheServingGenerationApartFromAReloadThatGaveUp() {
        master.rollout = new RolloutState(1, 2, false, false, Optional.of("worker 0 (pid 9) of generation 2 exited unexpectedly"));
        assertEquals("cluster 'default': master pid 4711, up 3m12s, listening on *:5000, generation 1 (reload to generation 2"
                + " gave up: worker 0 (pid 9) of generation 2 exited unexpectedly), 4 workers",
                StatusText.render(StatusReport.of(master)).getFirst());
        assertTrue(StatusJson.render(StatusReport.of(master)).contains("\"generation\":1,\"reload\":{\"generation\":2,"
                + "\"rolling\":false,\"state\":\"gave up\",\"reason\":\"worker 0 (pid 9) of generation 2 exited unexpectedly\"}"));
        master.rollout = new RolloutState(1, 2, true, true, Optional.empty());
        assertTrue(StatusText.render(StatusReport.of(master)).getFirst().contains("generation 1 (restarting to generation 2), 4 workers"));
    }

    @Test
    void stickySessionsShowInTheMastersLine() {
        master.balance = "sticky";

        assertTrue(StatusText.render(StatusReport.of(master)).getFirst().contains("listening on *:5000 (sticky by client address), "));
        assertTrue(StatusJson.render(StatusReport.of(master)).contains("\"balance\":\"sticky\""));
    }

    @Test
    void jsonHasEveryFieldWithNullWhereNothingApplies() {
        String json = StatusJson.render(StatusReport.of(master));
        assertTrue(json.startsWith("{\"master\":{\"pid\":4711,\"name\":\"default\",\"uptimeMillis\":192000,"
                + "\"listening\":\"*:5000\",\"port\":5000,\"balance\":\"shared\",\"generation\":1,\"reload\":null,\"workers\":4},"
                + "\"workers\":[{\"slot\":0,\"pid\":4712,\"generation\":1,\"state\":\"ready\",\"ending\":null,\"respawnInMillis\":null,"
                + "\"uptimeMillis\":192"), json);
        assertTrue(json.contains(",\"restarts\":0,\"rssBytes\":50541363,\"heapLimitBytes\":132120576,\"requests\":1234,\"lastExit\":null},"), json);
        assertTrue(json.contains("\"lastExit\":{\"code\":null,\"signal\":9,\"signalName\":\"KILL\",\"cause\":\"hung\","
                + "\"expected\":true,\"reason\":\"hung: no heartbeat for 5s\",\"generation\":1}"), json);
        assertTrue(json.contains("\"state\":\"draining\",\"ending\":\"reload\","), json);
        assertTrue(json.matches(".*\\{\"slot\":3,\"pid\":null,\"generation\":1,\"state\":\"backing off\",\"ending\":null,"
                + "\"respawnInMillis\":3[0-9]{3},\"uptimeMillis\":null,\"restarts\":4,\"rssBytes\":null,\"heapLimitBytes\":null,\"requests\":null,"
                + "\"lastExit\":\\{\"code\":3,\"signal\":null,\"signalName\":null,\"cause\":\"unexpected\",\"expected\":false,"
                + "\"reason\":\"exited unexpectedly\",\"generation\":1}}]}"), json);
        assertEquals(1, json.lines().count());
    }

    @Test
    void namesWithQuotesCannotBreakTheJson() {
        master.slots.set(3, new SlotInfo(3, 1, Optional.empty(), 0, Optional.of(new WorkerExit(3, 4708, 1,
                ExitStatus.exited(1), new EndCause.Shutdown("said \"bye\"\n"), Duration.ofSeconds(1))), OptionalLong.empty()));
        master.workers.add(new WorkerInfo(3, 4715, 1, WorkerState.STARTING, Optional.empty(), Instant.now(), 0,
                Optional.empty(), OptionalLong.empty()));
        assertTrue(StatusJson.render(StatusReport.of(master)).contains("\"reason\":\"graceful shutdown (said \\\"bye\\\"\\n)\""));
    }

    @Test
    void agesAndSizesReadLikePs() {
        assertEquals("59s", StatusText.age(Duration.ofMillis(59_999)));
        assertEquals("1m00s", StatusText.age(Duration.ofSeconds(60)));
        assertEquals("23h59m", StatusText.age(Duration.ofHours(24).minusSeconds(1)));
        assertEquals("3d04h", StatusText.age(Duration.ofDays(3).plusHours(4).plusMinutes(59)));
        assertEquals("900 B", StatusText.size(900));
        assertEquals("1.0 KiB", StatusText.size(1024));
        assertEquals("512 MiB", StatusText.size(512L << 20));
        assertEquals("1.5 GiB", StatusText.size(3L << 29));
        assertEquals("10s", StatusText.seconds(Duration.ofSeconds(10)));
        assertEquals("0.2s", StatusText.seconds(Duration.ofMillis(250)));
    }
}
