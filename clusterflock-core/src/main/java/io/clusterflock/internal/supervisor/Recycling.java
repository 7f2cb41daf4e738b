package io.clusterflock.internal.supervisor;

import io.clusterflock.ClusterOptions;
import io.clusterflock.EndCause;
import java.util.OptionalLong;

/**
 * Replaces workers that have served enough: by requests, by resident memory, by age. A recycled
 * worker keeps serving while its replacement starts and stops once that one is ready; one recycle
 * at a time, so limits reached together never take several workers out at once.
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

    /** A heartbeat with the worker's request count: past its limit, it is recycled. */
    void requests(WorkerProcess worker, long requests) {
        worker.requests = OptionalLong.of(requests);
        if (worker.requestLimit.isPresent() && requests >= worker.requestLimit.getAsLong()) {
            recycle(worker, new EndCause.MaxRequests(requests, worker.requestLimit.getAsLong()));
        }
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
        if (options.maxAge().isZero() || !mayRecycle(worker)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(worker.startedAt + options.maxAge().toNanos());
    }

    /** Recycles the workers that are past their age. */
    void enforce(long now) {
        for (WorkerProcess worker : pool.workers()) {
            if (Clock.reached(due(worker), now)) {
                recycle(worker, new EndCause.MaxAge(options.maxAge()));
            }
        }
    }

    private void recycle(WorkerProcess worker, EndCause why) {
        if (mayRecycle(worker)) {
            actions.replace(worker, why);
        }
    }

    /** Ready, still in a slot, and no other recycle under way. */
    private boolean mayRecycle(WorkerProcess worker) {
        return worker.life instanceof Lifecycle.Ready && pool.slot(worker.id).isPresent() && !pool.replacing();
    }
}
