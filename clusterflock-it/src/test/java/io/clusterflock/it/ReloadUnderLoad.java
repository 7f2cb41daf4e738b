package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The scenario of bench/reload.sh as a test: wrk runs for a while, and meanwhile the master gets
 * a SIGUSR2 every {@link #INTERVAL}. Afterwards: no request failed, the events show one reload
 * started per signal, the last generation serves on every slot, and nothing of an older one is
 * left.
 */
final class ReloadUnderLoad {
    /** bench/reload.sh's interval between two reloads. */
    static final Duration INTERVAL = Duration.ofMillis(2_500);
    /** A JVM worker starting beside wrk on 2 cores takes ~2.5 s; a reload is given much more. */
    static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(60);

    private ReloadUnderLoad() {}

    /**
     * Runs wrk ({@code wrkOptions}) for {@code duration} while {@code reloads} reloads go out, from
     * generation {@code from} on; checks everything and returns what wrk measured.
     *
     * @param group the workers' process group (where leftovers of old generations would be)
     */
    static LoadWrk.Result run(String label, MasterProcess master, long group, int from, int reloads, Duration duration,
                              String... wrkOptions) {
        int mark = master.mark();
        LoadWrk.Run load = LoadWrk.start(master.port(), duration, wrkOptions);
        LoadWrk.Result result;
        try (ReloadSignals signals = ReloadSignals.every(INTERVAL, master, "USR2", reloads)) {
            result = load.await();
            assertEquals(reloads, signals.await(INTERVAL.multipliedBy(reloads).plusSeconds(30)), "reloads sent");
        } finally {
            load.cancel();
        }
        report(label + ", " + reloads + " reloads", result);
        result.assertNoFailedRequest(label + " during " + reloads + " reloads", master.output());

        int last = from + reloads;
        ReloadLog.awaitServing(master, mark, last, RELOAD_TIMEOUT);
        List<Integer> started = master.eventsAfter(mark, EventMatch.of(MasterEvent.Kind.RELOAD_STARTED)).stream()
                .map(MasterEvent::generation).toList();
        assertEquals(IntStream.rangeClosed(from + 1, last).boxed().toList(), started,
                "one reload started per SIGUSR2" + master.output());
        assertNewestEverywhere(master, group, last, 2);
        return result;
    }

    /**
     * Every slot of {@code workers} runs a live worker of {@code generation}, and within the stop
     * timeout (10 s by default) no process of an older generation is left, neither the workers
     * the events name nor anything else of the workers' process group.
     */
    static Map<Integer, Long> assertNewestEverywhere(MasterProcess master, long group, int generation, int workers) {
        Map<Integer, Long> newest = ReloadLog.workersOf(master, generation);
        assertEquals(Set.copyOf(IntStream.range(0, workers).boxed().toList()), newest.keySet(),
                "slots with a worker of generation " + generation + master.output());
        ReloadLog.awaitGone(master, ReloadLog.pidsOlderThan(master, generation), Duration.ofSeconds(15),
                "every worker older than generation " + generation + " gone");
        Await.until(Duration.ofSeconds(5), () -> "no process of the workers' group " + group + " older than generation "
                + generation + ", but:" + MasterProcess.describe(ReloadLog.olderGenerationProcesses(group, generation)),
                () -> ReloadLog.olderGenerationProcesses(group, generation).isEmpty());
        List<Long> dead = newest.values().stream().filter(pid -> !Procs.alive(pid)).toList();
        assertEquals(List.of(), dead, "workers of generation " + generation + " that died" + master.output());
        return newest;
    }

    /** Prints what wrk measured, for the record of the run. */
    static void report(String label, LoadWrk.Result result) {
        System.out.println("[reload-load] " + label + ": " + result.summary());
    }
}
