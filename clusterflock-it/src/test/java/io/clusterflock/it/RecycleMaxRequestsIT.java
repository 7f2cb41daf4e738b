package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.FORK;
import static io.clusterflock.it.MasterEvent.Kind.READY;
import static io.clusterflock.it.MasterEvent.Kind.RECYCLING;
import static io.clusterflock.it.MasterEvent.Kind.STOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --max-requests}: under keep-alive load from wrk, each worker's replacement starts once it
 * has served half its share (1000 plus its jitter, reported at once), one replacement starting at a
 * time ({@code --reload-surge 1}); the old worker drains once the replacement is ready and it has
 * served its share, and not one request fails.
 *
 * <p>The load runs until both first workers have been recycled, however long this machine takes
 * to serve their share and start their replacements: what is checked is what happened, not how much
 * of it fits in some number of seconds.
 */
@Timeout(240)
class RecycleMaxRequestsIT {
    private static final int WORKERS = 2;
    private static final long MAX_REQUESTS = 1_000;
    /** The default jitter: up to a tenth of the limit. */
    private static final long MAX_JITTER = MAX_REQUESTS / 10;
    /** The longest the load may run; it stops as soon as both first workers are replaced. */
    private static final Duration LOAD_AT_MOST = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Library-mode workers beat every second without a worker timeout. */
    private static final Duration HEARTBEAT_AND_A_HALF = Duration.ofMillis(1_500);
    private static final Pattern HELLO = Pattern.compile("^hello from worker (\\d+) \\(pid (\\d+)\\)$");

    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void workersAreRecycledAfterTheirRequestsUnderKeepAliveLoadWithoutAFailedRequest() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", Integer.toString(WORKERS), "-p", "0",
                "--max-requests", Long.toString(MAX_REQUESTS), "--reload-surge", "1")) {
            int port = master.port();
            List<Long> first = master.startedPids();
            master.awaitReady(first, WAIT);

            LoadWrk.Run run = LoadWrk.start(port, LOAD_AT_MOST);
            LoadWrk.Result load;
            try {
                for (long pid : first) {
                    master.awaitEvent(EventMatch.about(EXIT, pid), LOAD_AT_MOST);
                }
            } finally {
                load = run.stop();
            }
            java.time.Instant loadEnded = java.time.Instant.now();
            System.out.println("[recycle] --max-requests " + MAX_REQUESTS + ", " + WORKERS + " workers: " + load.summary());
            load.assertNoFailedRequest("keep-alive load while workers are recycled", master.output());

            // A worker over its limit when the load stops is still recycled at its next heartbeat (1 s), or
            // once it is its turn: wait until no worker event has come for longer than a heartbeat.
            Await.until(WAIT, () -> "every recycled worker gone, a ready worker in every slot, and no worker event for "
                    + HEARTBEAT_AND_A_HALF.toMillis() + " ms" + master.output(), () -> settled(master));

            List<MasterEvent> recycled = master.events(EventMatch.of(RECYCLING));
            System.out.println("[recycle] " + recycled.size() + " recycles, requests and limit at each: "
                    + recycled.stream().map(e -> e.number("requests") + "/" + e.number("requestLimit")).toList());
            Set<Long> recycledPids = new HashSet<>();
            for (MasterEvent recycle : recycled) {
                assertEquals("max-requests", recycle.cause(), recycle.toString());
                long limit = recycle.number("requestLimit");
                assertTrue(limit >= MAX_REQUESTS && limit <= MAX_REQUESTS + MAX_JITTER, "a limit outside "
                        + MAX_REQUESTS + " plus a tenth: " + recycle);
                assertTrue(recycle.number("requests") >= limit / 2, "replaced before half its limit: " + recycle + master.output());
                assertTrue(recycledPids.add(recycle.pid()), "recycled twice: " + recycle + master.output());
            }
            assertTrue(recycledPids.containsAll(first), "every first worker " + first + " was recycled, only "
                    + recycledPids + master.output());
            assertOneAtATimeReplacementReadyFirst(master, loadEnded);
            for (long pid : recycledPids) {
                MasterEvent exit = master.awaitEvent(EventMatch.about(EXIT, pid), Duration.ZERO);
                assertEquals(List.of("max-requests", true, 0L), List.of(exit.cause(), exit.expected(), exit.fields().get("code")),
                        "drained and stopped as asked: " + exit + master.output());
                assertFalse(Procs.alive(pid), "recycled worker " + pid + " still runs" + master.output());
            }
            assertEquals(List.of(), master.events().stream().filter(e -> !e.level().equals("info")).toList(),
                    "warnings or errors: every worker ended as asked" + master.output());
            Answers.untilEveryPid(port, HELLO, current(master).values(), WAIT);
        }
    }

    /**
     * Every recycled worker has exited, each slot's newest worker is ready and not being recycled,
     * and the last event about a worker is older than a heartbeat and a half.
     */
    private static boolean settled(MasterProcess master) {
        List<MasterEvent> events = master.events();
        Set<Long> exited = pids(events, EXIT);
        Set<Long> ready = pids(events, READY);
        Set<Long> recycled = pids(events, RECYCLING);
        Map<Integer, Long> current = current(master);
        if (!exited.containsAll(recycled) || current.size() != WORKERS
                || !current.values().stream().allMatch(pid -> ready.contains(pid) && !recycled.contains(pid))) {
            return false;
        }
        Instant last = events.stream().filter(e -> e.fields().containsKey("slot")).map(MasterEvent::ts)
                .max(Instant::compareTo).orElseThrow();
        return Duration.between(last, Instant.now()).compareTo(HEARTBEAT_AND_A_HALF) > 0;
    }

    private static Set<Long> pids(List<MasterEvent> events, MasterEvent.Kind kind) {
        Set<Long> pids = new HashSet<>();
        events.stream().filter(e -> e.kind() == kind).forEach(e -> pids.add(e.pid()));
        return pids;
    }

    /** Each slot's newest worker. */
    private static Map<Integer, Long> current(MasterProcess master) {
        Map<Integer, Long> current = new TreeMap<>();
        master.events(EventMatch.of(FORK)).forEach(fork -> current.put(fork.slot(), fork.pid()));
        return current;
    }

    /**
     * In event order: a recycle of worker A is followed by a new worker of A's slot becoming ready,
     * then A stopping for that recycle with its limit reached (or, after the load, its time up); no
     * other recycle starts before A's replacement is ready (one starting at a time).
     */
    private static void assertOneAtATimeReplacementReadyFirst(MasterProcess master, java.time.Instant loadEnded) {
        List<MasterEvent> events = master.events();
        List<Long> replacements = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            MasterEvent recycle = events.get(i);
            if (recycle.kind() != RECYCLING) {
                continue;
            }
            MasterEvent replacementReady = null;
            MasterEvent stopping = null;
            for (MasterEvent later : events.subList(i + 1, events.size())) {
                if (later.kind() == READY && later.slot() == recycle.slot() && replacementReady == null) {
                    replacementReady = later;
                } else if (later.kind() == STOPPING && later.pid() == recycle.pid()) {
                    stopping = later;
                    break;
                } else if (later.kind() == RECYCLING && replacementReady == null) {
                    throw new AssertionError("another recycle (" + later + ") started before worker " + recycle.pid()
                            + "'s replacement was ready: more than one starting at a time" + master.output());
                }
            }
            assertTrue(stopping != null, "worker " + recycle.pid() + " recycled but never stopping" + master.output());
            assertEquals("max-requests", stopping.cause(), stopping.toString());
            // Under load it serves up to its limit; once the load is over, a worker half-way there goes after
            // as long again as it took to get half-way, its count short of the limit.
            assertTrue(stopping.number("requests") >= stopping.number("requestLimit") || stopping.ts().isAfter(loadEnded),
                    "stopped short of its limit while under load: " + stopping + master.output());
            assertTrue(replacementReady != null, "worker " + recycle.pid() + " stopping before a replacement in slot "
                    + recycle.slot() + " was ready" + master.output());
            replacements.add(replacementReady.pid());
        }
        System.out.println("[recycle] replacements ready before each recycled worker drained: " + replacements);
    }
}
