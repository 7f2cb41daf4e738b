package io.clusterflock;

import io.clusterflock.internal.util.Durations;
import io.clusterflock.internal.util.Sizes;
import java.time.Duration;

/**
 * Why a worker process ended, or is being made to end. Every cause but {@link Unexpected} was asked
 * for by the master; {@link #expected()} says which. {@link #code()} is the stable, machine-readable
 * name (the JSON log's {@code cause}); {@link #describe()} is the one place its words are written.
 */
public sealed interface EndCause {

    /** Whether the master asked for this end; false only for an exit nobody asked for. */
    default boolean expected() {
        return true;
    }

    /**
     * Whether the worker failed (it crashed, hung, or never became ready): such an end is logged
     * as a warning and counts toward its slot's backoff.
     */
    default boolean failure() {
        return false;
    }

    /** "shutdown", "kill", "scale-down", "reload", "restart", "superseded", "max-requests", "max-rss", "max-age", "hung", "not-ready", "unexpected". */
    String code();

    /** What happened, for people: "replaced by generation 2", "hung: no heartbeat for 5s". */
    String describe();

    /** The cluster shut down gracefully ({@code by}: "SIGTERM", "stop command", "Cluster.shutdown()"). */
    record Shutdown(String by) implements EndCause {
        public String code() { return "shutdown"; }
        public String describe() { return "graceful shutdown (" + by + ")"; }
    }

    /** The cluster was stopped at once: every worker killed ({@code by}: "SIGINT", "kill command", "Cluster.kill()"). */
    record Kill(String by) implements EndCause {
        public String code() { return "kill"; }
        public String describe() { return "immediate shutdown (" + by + ")"; }
    }

    /** Its slot was removed by a scale-down. */
    record ScaledDown() implements EndCause {
        public String code() { return "scale-down"; }
        public String describe() { return "its slot was removed (scaled down)"; }
    }

    /** A reload ({@code rolling} false) or rolling restart replaced it with a worker of {@code generation}. */
    record Replaced(int generation, boolean rolling) implements EndCause {
        public String code() { return rolling ? "restart" : "reload"; }
        public String describe() { return "replaced by generation " + generation; }
    }

    /**
     * Its generation will not go live: a newer reload superseded it, or its reload gave up. It was
     * started for {@code generation} and stops so that its slot serves what it serves.
     */
    record Superseded(int generation) implements EndCause {
        public String code() { return "superseded"; }
        public String describe() { return "generation " + generation + " will not go live"; }
    }

    /** Recycled after serving {@code served} requests, its limit being {@code limit} (max requests plus jitter). */
    record MaxRequests(long served, long limit) implements EndCause {
        public String code() { return "max-requests"; }
        public String describe() {
            return served < limit ? "half-way to its request limit (" + served + " of " + limit + "): it serves up to it"
                    : "recycled after " + served + " requests (limit " + limit + ")";
        }
    }

    /** Recycled: its resident memory stayed above {@code limit} bytes for {@code grace}. */
    record MaxRss(long rss, long limit, Duration grace) implements EndCause {
        public String code() { return "max-rss"; }
        public String describe() {
            return "recycled: resident memory " + Sizes.format(rss) + " above " + Sizes.format(limit)
                    + " for " + Durations.format(grace);
        }
    }

    /** Recycled for being older than {@code maxAge}. */
    record MaxAge(Duration maxAge) implements EndCause {
        public String code() { return "max-age"; }
        public String describe() { return "recycled: older than " + Durations.format(maxAge); }
    }

    /** It heartbeated, then fell silent for {@code timeout}: a thread dump was asked for, then it was killed. */
    record Hung(Duration timeout) implements EndCause {
        public boolean failure() { return true; }
        public String code() { return "hung"; }
        public String describe() { return "hung: no heartbeat for " + Durations.format(timeout); }
    }

    /** It did not become ready within {@code timeout} and was killed. */
    record NotReady(Duration timeout) implements EndCause {
        public boolean failure() { return true; }
        public String code() { return "not-ready"; }
        public String describe() { return "not ready within " + Durations.format(timeout); }
    }

    /** It exited, or a signal from elsewhere ended it, without the master asking. */
    record Unexpected() implements EndCause {
        public boolean expected() { return false; }
        public boolean failure() { return true; }
        public String code() { return "unexpected"; }
        public String describe() { return "exited unexpectedly"; }
    }
}
