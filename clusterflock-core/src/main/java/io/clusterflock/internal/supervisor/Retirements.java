package io.clusterflock.internal.supervisor;

import io.clusterflock.EndCause;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Stops the workers of a slot a scale-down retired. With a shared socket they stop at once: the
 * other workers take whatever is queued. With sticky sessions each slot has a socket of its own,
 * and what is queued on a retired slot's socket only its own worker can take; so that worker
 * serves on for {@link #STICKY_SETTLE}: new connections already go elsewhere (its slot left the
 * client map), and the handshakes under way when it left complete and are accepted. Then it stops.
 */
final class Retirements {
    /** Longer than a handshake takes: a round trip across the world is a few hundred milliseconds. */
    static final Duration STICKY_SETTLE = Duration.ofSeconds(1);

    private final Pool pool;
    private final Actions actions;
    private final boolean sticky;
    /** Workers of retired slots still serving, with when they stop (nanos), by pid. */
    private final Map<Long, Long> settling = new LinkedHashMap<>();

    Retirements(Pool pool, Actions actions, boolean sticky) {
        this.pool = pool;
        this.actions = actions;
        this.sticky = sticky;
    }

    /** The slot has just been taken out of the pool: its workers stop, at once or once their socket has settled. */
    void retired(Slot slot, long now) {
        for (WorkerProcess worker : pool.workers()) {
            if (worker.id == slot.id && worker.life.stoppable()) {
                if (sticky && worker.life.serving()) {
                    settling.put(worker.pid, now + STICKY_SETTLE.toNanos());
                } else {
                    actions.stop(worker, new EndCause.ScaledDown());
                }
            }
        }
    }

    /** Stops the workers whose settle time is over (and forgets those already stopping or gone). */
    void enforce(long now) {
        settling.entrySet().removeIf(entry -> {
            var worker = pool.find(entry.getKey());
            if (worker.isEmpty() || !worker.get().life.stoppable()) {
                return true;
            }
            if (Clock.reached(OptionalLong.of(entry.getValue()), now)) {
                actions.stop(worker.get(), new EndCause.ScaledDown());
                return true;
            }
            return false;
        });
    }

    /** The earliest settle time still to come. */
    OptionalLong due() {
        OptionalLong next = OptionalLong.empty();
        for (long at : settling.values()) {
            if (next.isEmpty() || at - next.getAsLong() < 0) { // nanoTime values compare by difference
                next = OptionalLong.of(at);
            }
        }
        return next;
    }
}
