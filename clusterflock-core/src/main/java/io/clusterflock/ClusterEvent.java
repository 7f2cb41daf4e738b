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

    /** A worker is being replaced in its slot (max requests, memory, age); it drains once its replacement is ready. */
    record Recycling(WorkerInfo worker, EndCause cause) implements ClusterEvent {}

    /** A worker was asked to stop (SIGTERM) and is draining; it is killed if still running after {@code timeout}. */
    record Stopping(WorkerInfo worker, EndCause cause, Duration timeout) implements ClusterEvent {}

    /**
     * The master is killing a worker: SIGKILL, or for a hung one SIGQUIT first (a JVM prints a
     * thread dump) and SIGKILL a second later.
     */
    record Killing(WorkerInfo worker, EndCause cause) implements ClusterEvent {}

    /** A stopping worker outlived its {@code timeout} and is killed with SIGKILL. */
    record StopTimeout(WorkerInfo worker, Duration timeout) implements ClusterEvent {}

    /**
     * A worker process ended; {@code exit} says how and why, and whether anyone asked for it.
     * {@code respawnIn} is when its slot is re-forked, empty when it is not (the worker was
     * replaced, the slot retired, or the cluster is stopping).
     */
    record Exit(WorkerInfo worker, WorkerExit exit, Optional<Duration> respawnIn) implements ClusterEvent {}

    /** The cluster was resized to {@code workers} slots. */
    record Resized(int from, int workers) implements ClusterEvent {}

    /** A reload ({@code rolling} = one slot at a time) toward {@code generation} began. */
    record ReloadStarted(int generation, boolean rolling) implements ClusterEvent {}

    /** Every slot now runs a ready worker of {@code generation}. */
    record ReloadFinished(int generation) implements ClusterEvent {}

    /** A reload to {@code generation} gave up; the workers of {@code serving} keep serving. */
    record ReloadFailed(int generation, int serving, String reason) implements ClusterEvent {}

    /** A request (signal or call) that the master declined, with why. */
    record Declined(String request, String reason) implements ClusterEvent {}

    /**
     * Shutdown began: graceful (workers serve on for {@code delay}, then drain, and are killed
     * if still running after {@code timeout}) or immediate; {@code by}: "SIGTERM", "stop command", …
     */
    record Shutdown(boolean graceful, Duration delay, Duration timeout, String by) implements ClusterEvent {}

    /**
     * A graceful shutdown closed the door: no new connection is accepted by the kernel from now
     * on; the {@code waiting} ones it already holds are taken by the workers before they drain.
     */
    record Closing(int waiting) implements ClusterEvent {}

    /** No worker is left. */
    record Empty() implements ClusterEvent {}

    /** The master has stopped; {@code exitCode} is what the CLI exits with. */
    record Stopped(int exitCode) implements ClusterEvent {}
}
