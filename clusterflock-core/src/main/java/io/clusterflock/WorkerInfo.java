package io.clusterflock;

import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of one worker process.
 *
 * @param id         its slot, stable across respawns of that slot ({@code CLUSTERFLOCK_WORKER_ID})
 * @param pid        the process id
 * @param generation the reload generation it was started for
 * @param state      where it is in its life
 * @param uptime     how long it has been running
 * @param restarts   how many times its slot has been re-forked after an unexpected exit
 * @param lastExit   how the previous process of this slot ended, if there was one
 * @param requests   requests it has served, as its library last reported; -1 when it does not report
 */
public record WorkerInfo(int id, long pid, int generation, WorkerState state, Duration uptime, int restarts,
                         Optional<ExitStatus> lastExit, long requests) {

    /** "worker 2 (pid 4711)": how every log line names a worker. */
    public String label() {
        return "worker " + id + " (pid " + pid + ")";
    }
}
