package io.clusterflock.internal.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusRenderingTest {
    private final FakeMaster master = new FakeMaster();

    @Test
    void theTableHasTheMasterThenARowPerWorkerAndPerSlotBackingOff() {
        assertEquals(List.of(
                "cluster 'default': master pid 4711, up 3m12s, listening on *:5000, generation 1, 4 workers",
                "SLOT  PID   GEN  STATE                 UPTIME  RESTARTS  RSS       REQUESTS  LAST EXIT",
                "0     4712  1    ready                 3m12s   0         48.2 MiB  1234      -",
                "1     4713  1    starting              0s      2         -         -         SIGKILL (hung: no heartbeat for 5s)",
                "2     4700  0    draining              2h05m   0         48.2 MiB  99        -",
                "2     4714  1    ready                 3s      0         48.2 MiB  0         -",
                "3     -     1    backing off for 3.2s  -       4         -         -         code 3 (exited unexpectedly)"),
                StatusText.render(StatusReport.of(master)));
    }

    @Test
    void jsonHasEveryFieldWithNullWhereNothingApplies() {
        String json = StatusJson.render(StatusReport.of(master));
        assertTrue(json.startsWith("{\"master\":{\"pid\":4711,\"name\":\"default\",\"uptimeMillis\":192000,"
                + "\"listening\":\"*:5000\",\"port\":5000,\"generation\":1,\"workers\":4},"
                + "\"workers\":[{\"slot\":0,\"pid\":4712,\"generation\":1,\"state\":\"ready\",\"respawnInMillis\":null,"
                + "\"uptimeMillis\":192000,\"restarts\":0,\"rssBytes\":50541363,\"requests\":1234,\"lastExit\":null},"), json);
        assertTrue(json.contains("\"lastExit\":{\"code\":null,\"signal\":9,\"signalName\":\"KILL\",\"reason\":\"hung: no heartbeat for 5s\"}"), json);
        assertTrue(json.endsWith("{\"slot\":3,\"pid\":null,\"generation\":1,\"state\":\"backing off\",\"respawnInMillis\":3200,"
                + "\"uptimeMillis\":null,\"restarts\":4,\"rssBytes\":null,\"requests\":null,"
                + "\"lastExit\":{\"code\":3,\"signal\":null,\"signalName\":null,\"reason\":\"exited unexpectedly\"}}]}"), json);
        assertEquals(1, json.lines().count());
    }

    @Test
    void namesWithQuotesCannotBreakTheJson() {
        master.slots.set(3, new io.clusterflock.SlotInfo(3, 1, java.util.Optional.of(Duration.ofSeconds(1)), 0,
                java.util.Optional.of(new io.clusterflock.SlotInfo.LastExit(io.clusterflock.ExitStatus.exited(1), "said \"bye\"\n"))));
        assertTrue(StatusJson.render(StatusReport.of(master)).contains("\"reason\":\"said \\\"bye\\\"\\n\""));
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
