package io.clusterflock.internal.supervisor;

import io.clusterflock.ClusterOptions;
import io.clusterflock.EndCause;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Replaces workers that have served enough: by requests, by resident memory, by age. A recycled
 * worker keeps serving while its replacement starts and stops once that one is ready. By requests,
 * the replacement starts half-way to the limit, so that it is ready (and warm) when the limit is
 * reached, and the old worker serves up to its limit (or as long again as it took to get half-way,
 * should traffic drop). No recycle starts while the reload surge's worth of workers are starting
 * (for a recycle, a reload or a respawn), so limits reached together never start more JVMs at
 * once than the machine carries; a worker kept waiting is recycled at its next report.
 */
final class Recycling {
    private final ClusterOptions options;
    private final Pool pool;
    private final Actions actions;

    Recycling(ClusterOptions options, Pool pool, Actions actions) {
        this.options = options;
        this.pool = pool;
        this.actions = actions;
    }

    /**
     * A report of the worker's request count (it reports crossing half its limit and its limit at
     * once): half-way to its limit, its replacement starts.
     */
    void requests(WorkerProcess worker, long requests, long now) {
        // Reports cross on their way (a beat read earlier may arrive after a mark): the count only grows.
        long count = Math.max(requests, worker.requests.orElse(0));
        worker.requests = OptionalLong.of(count);
        if (worker.requestLimit.isPresent() && count >= headStart(worker.requestLimit.getAsLong())
                && mayRecycle(worker)) {
            worker.halfwayAt = OptionalLong.of(now);
            actions.replace(worker, new EndCause.MaxRequests(count, worker.requestLimit.getAsLong()));
        }
    }

    /** The count at which a worker's replacement starts: half its limit, at least one request. */
    static long headStart(long limit) {
        return Math.max(1, limit / 2);
    }

    /**
     * Whether a worker being replaced may stop, its replacement being ready: one recycled by
     * requests serves until it reaches its limit, or until it has taken as long again as it took to
     * reach half of it (traffic dropped: it would otherwise never go). The cause it stops for, with
     * the count it reached.
     */
    Optional<EndCause> retirement(WorkerProcess worker, Lifecycle.Replacing replacing, long now) {
        if (replacing.why() instanceof EndCause.MaxRequests(long served, long limit)) {
            long count = worker.requests.orElse(served);
            return count >= limit || Clock.reached(retireBy(worker), now)
                    ? Optional.of(new EndCause.MaxRequests(count, limit)) : Optional.empty();
        }
        return Optional.of(replacing.why());
    }

    /** When a worker past half its limit goes whatever its count: twice the time it took to get half-way. */
    private static OptionalLong retireBy(WorkerProcess worker) {
        return worker.halfwayAt.isEmpty() ? OptionalLong.empty()
                : OptionalLong.of(worker.halfwayAt.getAsLong() + (worker.halfwayAt.getAsLong() - worker.startedAt));
    }

    /** A memory sample: above maxRss for longer than the grace period, it is recycled. */
    void memory(WorkerProcess worker, long rss, long now) {
        if (options.maxRss() <= 0) {
            return;
        }
        if (rss <= options.maxRss()) {
            worker.overMemorySince = OptionalLong.empty();
            return;
        }
        if (worker.overMemorySince.isEmpty()) {
            worker.overMemorySince = OptionalLong.of(now);
        }
        if (now - worker.overMemorySince.getAsLong() >= options.maxRssGrace().toNanos()) {
            recycle(worker, new EndCause.MaxRss(rss, options.maxRss(), options.maxRssGrace()));
        }
    }

    /**
     * When this worker is due for recycling by age. None while it may not be recycled yet (another
     * recycle is under way, or it is not ready): the change that ends the wait runs a turn itself,
     * and a deadline already past would spin the loop.
     */
    OptionalLong due(WorkerProcess worker) {
        if (worker.life instanceof Lifecycle.Replacing && worker.halfwayAt.isPresent()) {
            // A worker recycled by requests, once its replacement is ready: when it goes anyway.
            return pool.slot(worker.id).filter(s -> pool.hasReady(s, s.targetGeneration)).isPresent()
                    ? retireBy(worker) : OptionalLong.empty();
        }
        if (options.maxAge().isZero() || !mayRecycle(worker)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(worker.startedAt + options.maxAge().toNanos());
    }

    /** Recycles the workers that are past their age. */
    void enforce(long now) {
        for (WorkerProcess worker : pool.workers()) {
            if (worker.life instanceof Lifecycle.Ready && Clock.reached(due(worker), now)) {
                recycle(worker, new EndCause.MaxAge(options.maxAge()));
            }
        }
    }

    private void recycle(WorkerProcess worker, EndCause why) {
        if (mayRecycle(worker)) {
            actions.replace(worker, why);
        }
    }

    /** Ready, still in a slot, and fewer workers starting (for any reason) than the surge allows. */
    private boolean mayRecycle(WorkerProcess worker) {
        return worker.life instanceof Lifecycle.Ready && pool.slot(worker.id).isPresent()
                && pool.starting() < options.reloadSurge();
    }
}
