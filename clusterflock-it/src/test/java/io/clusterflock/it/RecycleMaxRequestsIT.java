package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --max-requests}: under keep-alive load from wrk, each worker that has served its share
 * (1000 plus its jitter, reported with its heartbeat) is replaced in its slot, one at a time, the
 * replacement ready before the old one drains, and not one request fails.
 */
@Timeout(150)
class RecycleMaxRequestsIT {
    private static final int WORKERS = 2;
    private static final long MAX_REQUESTS = 1_000;
    private static final Duration LOAD = Duration.ofSeconds(15);
    private static final Duration WAIT = Duration.ofSeconds(40);
    /** Library-mode workers beat every second without a worker timeout. */
    private static final Duration HEARTBEAT_AND_A_HALF = Duration.ofMillis(1_500);

    private static final Pattern RECYCLED = Pattern.compile(
            "worker (\\d+) \\(pid (\\d+)\\) is being replaced: recycled after (\\d+) requests$");
    private static final Pattern READY = Pattern.compile("worker (\\d+) \\(pid (\\d+)\\) ready$");
    private static final Pattern STOPPING = Pattern.compile("worker (\\d+) \\(pid (\\d+)\\) stopping \\(SIGTERM\\)");
    private static final Pattern STOPPED = Pattern.compile("worker (\\d+) \\(pid (\\d+)\\) stopped with code 0$");
    /** Any line of the master about a worker's coming or going. */
    private static final Pattern EVENT = Pattern.compile(LibraryCluster.TIME
            + "worker \\d+ \\(pid \\d+\\) (forked|ready|is being replaced|stopping|stopped|exited|was killed)");
    private static final Pattern HELLO = Pattern.compile("^hello from worker (\\d+) \\(pid (\\d+)\\)$");
    private static final Pattern UNEXPECTED = Pattern.compile("exited unexpectedly|ERROR |did not stop within|WARNING ");

    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void workersAreRecycledAfterTheirRequestsUnderKeepAliveLoadWithoutAFailedRequest() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", Integer.toString(WORKERS), "-p", "0",
                "--max-requests", Long.toString(MAX_REQUESTS))) {
            int port = master.port();
            List<Long> first = master.listeningPids();
            LibraryCluster.awaitReady(master);

            LoadWrk.Result load = LoadWrk.run(port, LOAD);
            System.out.println("[recycle] --max-requests " + MAX_REQUESTS + ", " + WORKERS + " workers: " + load.summary());
            load.assertNoFailedRequest("keep-alive load while workers are recycled", master.output());

            // A worker over its limit when the load stops is still recycled at its next heartbeat (1 s), or
            // once it is its turn: wait until the log has been quiet for longer than a heartbeat since then.
            long loadEnded = System.nanoTime();
            Await.until(WAIT, () -> "every recycled worker stopped, a ready worker under its limit in every slot, and"
                    + " the log quiet for " + HEARTBEAT_AND_A_HALF.toMillis() + " ms" + master.output(),
                    () -> System.nanoTime() - loadEnded > HEARTBEAT_AND_A_HALF.toNanos() && settled(master));

            List<Matcher> recycled = master.matches(RECYCLED);
            List<Long> counts = recycled.stream().map(m -> Long.parseLong(m.group(3))).toList();
            System.out.println("[recycle] " + recycled.size() + " recycles, request counts at recycle " + counts);
            assertTrue(recycled.size() >= 3, "several recycles in " + LOAD.toSeconds() + " s of load, not "
                    + recycled.size() + master.output());
            for (Matcher m : recycled) {
                assertTrue(Long.parseLong(m.group(3)) >= MAX_REQUESTS, "recycled too early: " + m.group() + master.output());
            }
            Set<Long> recycledPids = new HashSet<>();
            for (Matcher m : recycled) {
                assertTrue(recycledPids.add(Long.parseLong(m.group(2))), "recycled twice: " + m.group() + master.output());
            }
            assertTrue(recycledPids.containsAll(first), "every first worker " + first + " was recycled, only "
                    + recycledPids + master.output());
            assertOneAtATimeReplacementReadyFirst(master);
            assertEquals(List.of(), master.matches(UNEXPECTED).stream().map(Matcher::group).toList(),
                    "every worker ended as asked" + master.output());
            for (long pid : recycledPids) {
                assertFalse(Procs.alive(pid), "recycled worker " + pid + " still runs" + master.output());
            }
            Answers.untilEveryPid(port, HELLO, current(master).values(), WAIT);
        }
    }

    /** Every recycled worker has stopped (code 0), and each slot's newest worker is ready and not being recycled. */
    private static boolean settled(MasterProcess master) {
        Set<Long> recycled = pids(master, RECYCLED);
        Set<Long> stopped = pids(master, STOPPED);
        Set<Long> ready = pids(master, READY);
        Map<Integer, Long> current = current(master);
        if (!stopped.containsAll(recycled) || current.size() != WORKERS
                || !current.values().stream().allMatch(pid -> ready.contains(pid) && !recycled.contains(pid))) {
            return false;
        }
        List<Matcher> events = master.matches(EVENT);
        String now = LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS"));
        if (LibraryCluster.millisBetween(events.getLast().group(1), now) < HEARTBEAT_AND_A_HALF.toMillis()) {
            return false;
        }
        // A worker's limit is MAX_REQUESTS plus a jitter of up to a tenth: one at or over that is not done.
        Map<Long, Long> requests = requests(master);
        return current.values().stream().allMatch(pid -> requests.getOrDefault(pid, Long.MAX_VALUE) < MAX_REQUESTS * 11 / 10);
    }

    /** What {@code status --json} says each worker has served (as of its last heartbeat); -1 for none reported. */
    private static Map<Long, Long> requests(MasterProcess master) {
        Object json = ControlJson.parse(ControlWire.exchange(ControlWire.socket(master.runtimeDirectory(), "default"),
                "status --json\n").strip());
        Map<Long, Long> requests = new TreeMap<>();
        for (Object row : ControlJson.array(ControlJson.object(json).get("workers"))) {
            Map<String, Object> worker = ControlJson.object(row);
            if (worker.get("pid") instanceof Long pid) {
                requests.put(pid, worker.get("requests") instanceof Long n ? n : -1L);
            }
        }
        return requests;
    }

    private static Set<Long> pids(MasterProcess master, Pattern pattern) {
        return master.matches(pattern).stream().map(m -> Long.parseLong(m.group(2))).collect(Collectors.toSet());
    }

    /** Each slot's newest worker. */
    private static Map<Integer, Long> current(MasterProcess master) {
        Map<Integer, Long> current = new TreeMap<>();
        ReloadLog.forks(master).forEach(fork -> current.put(fork.slot(), fork.pid()));
        return current;
    }

    /**
     * In log order: a recycle of worker A is followed by a new worker of A's slot becoming ready, then A
     * stopping, and no other recycle starts before A is stopping (one at a time).
     */
    private static void assertOneAtATimeReplacementReadyFirst(MasterProcess master) {
        List<String> lines = master.lines().stream().map(MasterProcess.Line::text).toList();
        List<Long> forked = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher recycle = RECYCLED.matcher(lines.get(i));
            if (!recycle.find()) {
                continue;
            }
            String slot = recycle.group(1);
            long pid = Long.parseLong(recycle.group(2));
            int readyAt = -1;
            int stoppingAt = -1;
            for (int j = i + 1; j < lines.size() && stoppingAt < 0; j++) {
                Matcher ready = READY.matcher(lines.get(j));
                Matcher stopping = STOPPING.matcher(lines.get(j));
                Matcher other = RECYCLED.matcher(lines.get(j));
                if (readyAt < 0 && ready.find() && ready.group(1).equals(slot) && Long.parseLong(ready.group(2)) != pid) {
                    readyAt = j;
                    forked.add(Long.parseLong(ready.group(2)));
                } else if (stopping.find() && Long.parseLong(stopping.group(2)) == pid) {
                    stoppingAt = j;
                } else if (other.find()) {
                    throw new AssertionError("another recycle (" + other.group() + ") started before worker " + pid
                            + " was stopping: more than one at a time" + master.output());
                }
            }
            assertTrue(stoppingAt > 0, "worker " + pid + " recycled but never stopping" + master.output());
            assertTrue(readyAt > 0 && readyAt < stoppingAt, "worker " + pid + " stopping before a replacement in slot "
                    + slot + " was ready" + master.output());
        }
        System.out.println("[recycle] replacements ready before each recycled worker drained: " + forked);
    }
}
