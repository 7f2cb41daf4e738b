package io.clusterflock;

import io.clusterflock.internal.util.Durations;
import java.time.Duration;

/**
 * How one worker process ended: the one shape of "last exit" that events, snapshots, {@code status}
 * and the log all carry.
 *
 * @param id         its slot
 * @param pid        its process id
 * @param generation the generation it was started for
 * @param status     its exit code or the signal that ended it
 * @param cause      why: asked for by the master, or not ({@link EndCause.Unexpected})
 * @param uptime     how long it ran
 */
public record WorkerExit(int id, long pid, int generation, ExitStatus status, EndCause cause, Duration uptime) {

    /** Whether the master asked for this exit; false only for an exit nobody asked for. */
    public boolean expected() {
        return cause.expected();
    }

    /**
     * "exited unexpectedly with code 3 after 2.1s", "stopped with code 0 after 5m (replaced by
     * generation 2)", "was killed with signal 9 (KILL) after 8s (hung: no heartbeat for 5s)".
     */
    public String describe() {
        String how = switch (cause) {
            case EndCause.Unexpected u -> "exited unexpectedly";
            case EndCause.Hung h -> "was killed";
            case EndCause.NotReady n -> "was killed";
            case EndCause.Kill k -> "was killed";
            default -> "stopped";
        };
        String why = cause instanceof EndCause.Unexpected ? "" : " (" + cause.describe() + ")";
        return how + " with " + status + " after " + Durations.format(uptime) + why;
    }
}
