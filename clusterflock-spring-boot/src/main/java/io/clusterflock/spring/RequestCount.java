package io.clusterflock.spring;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The requests clients sent to this worker, for its heartbeats. With {@code --max-requests} it also
 * reports at once when the count reaches half the worker's limit and the limit itself: the master
 * starts the replacement half-way, and stops this worker at its limit once that one is ready.
 */
final class RequestCount {
    private final AtomicLong requests = new AtomicLong();
    private final long halfway;
    private final long limit;
    private final LongConsumer report;

    RequestCount(OptionalLong limit, LongConsumer report) {
        this.limit = limit.orElse(-1);
        this.halfway = limit.isPresent() ? limit.getAsLong() / 2 : -1;
        this.report = report;
    }

    /** One more request. */
    void increment() {
        long count = requests.incrementAndGet();
        if (count == halfway || count == limit) {
            report.accept(count);
        }
    }

    long get() {
        return requests.get();
    }
}
