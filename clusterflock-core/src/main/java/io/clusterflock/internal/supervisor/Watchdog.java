package io.clusterflock.internal.supervisor;

import io.clusterflock.ClusterOptions;
import io.clusterflock.EndCause;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Every timer of a worker's life: the ready-by deadline of a starting one (and, for one that proves
 * itself by staying up, the moment it has), the kill-at deadline of
 * a stopping or dumping one, and gunicorn's worker timeout without its file — a worker that has
 * heartbeated and then falls silent for {@code workerTimeout} is hung. {@link #due} states each
 * rule once; {@link #enforce} acts on what is due and the supervisor's wait ends at the earliest.
 */
final class Watchdog {
    private final ClusterOptions options;
    private final Pool pool;
    private final Actions actions;

    Watchdog(ClusterOptions options, Pool pool, Actions actions) {
        this.options = options;
        this.pool = pool;
        this.actions = actions;
    }

    /** When this worker's next timer runs out, if it has one. */
    OptionalLong due(WorkerProcess worker) {
        return switch (worker.life) {
            case Lifecycle.Ready r -> heartbeatDue(worker);
            case Lifecycle.Replacing r -> heartbeatDue(worker);
            default -> worker.life.deadline();
        };
    }

    private OptionalLong heartbeatDue(WorkerProcess worker) {
        Duration timeout = options.workerTimeout();
        if (timeout.isZero() || worker.lastHeartbeat.isEmpty()) {
            return OptionalLong.empty(); // only workers that heartbeat are watched
        }
        return OptionalLong.of(worker.lastHeartbeat.getAsLong() + timeout.toNanos());
    }

    /** Acts on every timer that has run out. */
    void enforce(long now) {
        for (WorkerProcess worker : pool.workers()) {
            if (Clock.reached(due(worker), now)) {
                expire(worker);
            }
        }
    }

    private void expire(WorkerProcess worker) {
        switch (worker.life) {
            case Lifecycle.Starting s when Clock.reached(s.provenAt(), s.readyBy()) -> actions.ready(worker); // stayed up
            case Lifecycle.Starting s -> actions.kill(worker, new EndCause.NotReady(options.readyTimeout()));
            case Lifecycle.Stopping s -> actions.stopTimedOut(worker, s.why());
            case Lifecycle.Dumping d -> actions.killAfterDump(worker, d.why());
            case Lifecycle.Ready r -> actions.dump(worker, new EndCause.Hung(options.workerTimeout()));
            case Lifecycle.Replacing r -> actions.dump(worker, new EndCause.Hung(options.workerTimeout()));
            case Lifecycle.Killed k -> { } // has no timer
        }
    }
}
