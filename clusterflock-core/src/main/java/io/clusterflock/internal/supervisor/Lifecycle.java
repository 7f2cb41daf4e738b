package io.clusterflock.internal.supervisor;

import io.clusterflock.EndCause;
import io.clusterflock.WorkerState;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where one worker process is in its life. Each state carries what it needs and nothing else:
 * its deadline (nanos, compared by difference) and, once it is on its way out, why.
 *
 * <pre>
 * Starting ──ready──▶ Ready ──recycle──▶ Replacing ──replacement ready──▶ Stopping ──timeout──▶ Killed
 *    │                  │  ╲──reload, scale-down, shutdown───────────────▶ Stopping
 *    │                  ╲──no heartbeat──▶ Dumping ──1 s──▶ Killed
 *    ╲──not ready by readyBy, or immediate shutdown──▶ Killed
 * </pre>
 *
 * A process leaves every state when it exits; the exit's cause is {@link #exitCause()}.
 */
sealed interface Lifecycle {

    /**
     * Spawned, not ready yet; killed as not ready if still starting at {@code readyBy}. A worker
     * that may prove itself by staying up is ready at {@code provenAt} unless it says so sooner.
     */
    record Starting(long readyBy, OptionalLong provenAt) implements Lifecycle {
        /** It speaks for itself (sd_notify): only its {@code READY=1} makes it ready. */
        Starting speaksForItself() {
            return new Starting(readyBy, OptionalLong.empty());
        }
    }

    /** Serving. */
    record Ready() implements Lifecycle {}

    /**
     * Serving while its replacement starts in its slot (a recycle); stopped once that one is ready,
     * or, recycled by requests, once it also reaches its limit (or has taken as long again as it took
     * to get half-way).
     */
    record Replacing(EndCause why) implements Lifecycle {}

    /** Asked to stop (SIGTERM) and draining; killed if still running at {@code killAt}. */
    record Stopping(long killAt, EndCause why) implements Lifecycle {}

    /** Hung: sent SIGQUIT for a thread dump; killed at {@code killAt}. */
    record Dumping(long killAt, EndCause why) implements Lifecycle {}

    /** Sent SIGKILL; only its exit is awaited. */
    record Killed(EndCause why) implements Lifecycle {}

    /** The deadline of this state, if it has one; what happens then is the watchdog's. */
    default OptionalLong deadline() {
        return switch (this) {
            case Starting s -> s.provenAt().isPresent() && s.provenAt().getAsLong() - s.readyBy() < 0 ? s.provenAt()
                    : OptionalLong.of(s.readyBy());
            case Stopping s -> OptionalLong.of(s.killAt());
            case Dumping d -> OptionalLong.of(d.killAt());
            case Ready r -> OptionalLong.empty();
            case Replacing r -> OptionalLong.empty();
            case Killed k -> OptionalLong.empty();
        };
    }

    /** Why it is on its way out, once it is: replaced, stopping, dumping or killed. */
    default Optional<EndCause> ending() {
        return switch (this) {
            case Replacing r -> Optional.of(r.why());
            case Stopping s -> Optional.of(s.why());
            case Dumping d -> Optional.of(d.why());
            case Killed k -> Optional.of(k.why());
            case Starting s -> Optional.empty();
            case Ready r -> Optional.empty();
        };
    }

    /** Why it ended, should it exit now: what the master asked of it, or nothing ({@link EndCause.Unexpected}). */
    default EndCause exitCause() {
        return switch (this) {
            case Stopping s -> s.why();
            case Dumping d -> d.why();
            case Killed k -> k.why();
            case Starting s -> new EndCause.Unexpected();
            case Ready r -> new EndCause.Unexpected();
            case Replacing r -> new EndCause.Unexpected(); // a recycle asks nothing of it until its replacement is ready
        };
    }

    /**
     * Whether it still holds its slot: it serves or will, or it failed and its slot re-forks once it
     * has gone. A worker asked to stop has handed its slot over.
     */
    default boolean holdsSlot() {
        return switch (this) {
            case Starting s -> true;
            case Ready r -> true;
            case Replacing r -> true;
            case Dumping d -> true;
            case Killed k -> k.why().failure();
            case Stopping s -> false;
        };
    }

    /**
     * Whether, while it lives, its slot needs no other worker of its generation: it holds the slot
     * and is not being replaced. A hung or unready one being killed still fills it: the slot is
     * re-forked, with backoff, once it has gone.
     */
    default boolean fillsSlot() {
        return holdsSlot() && !(this instanceof Replacing);
    }

    /**
     * Whether a stop request applies to it: starting, ready, or ready while being replaced. One
     * already stopping, dumping or killed is on its way out.
     */
    default boolean stoppable() {
        return this instanceof Starting || this instanceof Ready || this instanceof Replacing;
    }

    /** Whether it takes connections: ready, or ready while being replaced. */
    default boolean serving() {
        return this instanceof Ready || this instanceof Replacing;
    }


    /** The state as the API shows it. */
    default WorkerState publicState() {
        return switch (this) {
            case Starting s -> WorkerState.STARTING;
            case Ready r -> WorkerState.READY;
            case Replacing r -> WorkerState.REPLACING;
            case Stopping s -> WorkerState.STOPPING;
            case Dumping d -> WorkerState.KILLING;
            case Killed k -> WorkerState.KILLING;
        };
    }
}
