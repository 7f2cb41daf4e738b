package io.clusterflock;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What happens in a cluster, as the master's listeners see it. Listeners run on the supervisor's
 * thread, in order; they must return quickly.
 */
public sealed interface ClusterEvent {

    /** The master listens and has spawned its first workers. */
    record Started(InetSocketAddress address, String displayAddress, List<WorkerInfo> workers) implements ClusterEvent {}

    /** A worker process was spawned. */
    record Fork(WorkerInfo worker) implements ClusterEvent {}

    /** A worker's library connected to the master (Node's "online"). */
    record Online(WorkerInfo worker) implements ClusterEvent {}

    /** A worker's server accepts connections. */
    record Listening(WorkerInfo worker) implements ClusterEvent {}

    /** A worker sent the master a message; answer it through {@link ClusterOptions.Builder#onMessage}. */
    record Message(WorkerInfo worker, String text) implements ClusterEvent {}

    /** A worker described what it is doing (sd_notify {@code STATUS=}). */
    record Status(WorkerInfo worker, String text) implements ClusterEvent {}

    /** A worker became ready to serve (see {@link ReadyWhen}). */
    record Ready(WorkerInfo worker) implements ClusterEvent {}

    /** A worker could not be spawned at all; its slot retries after {@code retryIn}. */
    record SpawnFailed(int id, String reason, Duration retryIn) implements ClusterEvent {}

    /** A worker failed to become ready within {@code readyTimeout} and is being killed. */
    record ReadyTimeout(WorkerInfo worker, Duration readyTimeout) implements ClusterEvent {}

    /** A worker was asked to stop (resize, reload, shutdown) and is draining. */
    record Stopping(WorkerInfo worker, Duration timeout) implements ClusterEvent {}

    /** A worker is being replaced in its slot (max requests, memory, age); it drains once its replacement is ready. */
    record Recycling(WorkerInfo worker, String reason) implements ClusterEvent {}

    /** A worker stopped heartbeating for {@code timeout}: a thread dump is asked for (SIGQUIT), then it is killed. */
    record Hung(WorkerInfo worker, Duration timeout) implements ClusterEvent {}

    /** A stopping worker outlived its timeout and was killed with SIGKILL. */
    record StopTimeout(WorkerInfo worker, Duration timeout) implements ClusterEvent {}

    /** A worker left on request (Node's "disconnect"): it is not re-forked. */
    record Disconnect(WorkerInfo worker, ExitStatus status) implements ClusterEvent {}

    /**
     * A worker exited without being asked to stop: it crashed, or the master killed it for being
     * hung or not ready in time ({@code reason} says which). {@code respawnIn} is when its slot is
     * re-forked, empty when it is not (the cluster is stopping, or the slot was retired).
     */
    record Exit(WorkerInfo worker, ExitStatus status, String reason, Optional<Duration> respawnIn) implements ClusterEvent {}

    /** The cluster was resized to {@code workers} slots. */
    record Resized(int from, int workers) implements ClusterEvent {}

    /** A reload ({@code rolling} = one slot at a time) toward {@code generation} began. */
    record ReloadStarted(int generation, boolean rolling) implements ClusterEvent {}

    /** Every slot now runs a ready worker of {@code generation}. */
    record ReloadFinished(int generation) implements ClusterEvent {}

    /** A reload gave up; the workers that were serving keep serving. */
    record ReloadFailed(int generation, String reason) implements ClusterEvent {}

    /** A request (signal or call) that the master declined, with why. */
    record Declined(String request, String reason) implements ClusterEvent {}

    /** Shutdown began: graceful (SIGTERM, then kill after {@code timeout}) or immediate. */
    record Shutdown(boolean graceful, Duration timeout, String reason) implements ClusterEvent {}

    /** No worker is left. */
    record Empty() implements ClusterEvent {}

    /** The master has stopped; {@code exitCode} is what the CLI exits with. */
    record Stopped(int exitCode) implements ClusterEvent {}
}
