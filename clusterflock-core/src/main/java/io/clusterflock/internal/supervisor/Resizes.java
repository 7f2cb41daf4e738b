package io.clusterflock.internal.supervisor;

import io.clusterflock.ClusterException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The caller of the newest resize, waiting until that many workers serve (cluster-master's resize(n, cb)). */
final class Resizes {
    private record Pending(int target, CompletableFuture<Integer> done) {}

    private final Pool pool;
    private Optional<Pending> pending = Optional.empty();

    Resizes(Pool pool) {
        this.pool = pool;
    }

    void requested(int target, CompletableFuture<Integer> done) {
        fail("superseded by a resize to " + target);
        pending = Optional.of(new Pending(target, done));
    }

    /** Completes once the cluster has the size asked for, each slot serving and retired workers gone. */
    void finishIfDone() {
        pending.filter(p -> pool.size() == p.target() && pool.settled()).ifPresent(p -> {
            pending = Optional.empty();
            p.done().completeAsync(p::target);
        });
    }

    void fail(String reason) {
        pending.ifPresent(p -> CompletableFuture.runAsync(() -> p.done().completeExceptionally(new ClusterException(reason))));
        pending = Optional.empty();
    }
}
