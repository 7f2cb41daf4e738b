package io.clusterflock;

import io.clusterflock.internal.os.Processes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of one worker process.
 *
 * @param id         its slot, stable across respawns of that slot ({@code CLUSTERFLOCK_WORKER_ID})
 * @param pid        the process id
 * @param generation the reload generation it was started for
 * @param state      where it is in its life
 * @param ending     while it is being replaced, stopped or killed: why
 * @param forkedAt   when it was spawned
 * @param restarts   how many times its slot has been re-forked after a failure
 * @param lastExit   how the previous process of this slot ended, if there was one
 * @param requests   requests it has served, as its library last reported; empty when it does not report
 */
public record WorkerInfo(int id, long pid, int generation, WorkerState state, Optional<EndCause> ending,
                         Instant forkedAt, int restarts, Optional<WorkerExit> lastExit, OptionalLong requests) {

    /** How long it has been running, as of now. */
    public Duration uptime() {
        Duration uptime = Duration.between(forkedAt, Instant.now());
        return uptime.isNegative() ? Duration.ZERO : uptime;
    }

    /**
     * Its resident memory in bytes, read now from /proc/PID/status ({@code VmRSS}): what
     * {@code --max-rss} compares and {@code status} shows; empty once the process is gone.
     */
    public OptionalLong residentMemory() {
        return Processes.residentMemory(pid);
    }

    /** "worker 2 (pid 4711)": how every log line names a worker. */
    public String label() {
        return "worker " + id + " (pid " + pid + ")";
    }
}
