package io.clusterflock.internal.supervisor;

import io.clusterflock.ExitStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What the supervisor is told: everything that changes its state arrives as one of these. */
public sealed interface Input {

    /** A worker process ended (reported by its reaper). */
    record Exited(long pid, ExitStatus status) implements Input {}

    /** A worker's library connected to the master. */
    record WorkerOnline(long pid) implements Input {}

    /** A worker's server accepts connections (library mode). */
    record WorkerListening(long pid) implements Input {}

    /** A worker said it is ready ({@code Worker.ready()} or sd_notify {@code READY=1}). */
    record WorkerReady(long pid) implements Input {}

    /** A worker is alive and says how many requests it has served (-1: it does not count). */
    record WorkerHeartbeat(long pid, long requests) implements Input {}

    /** A worker's resident memory, sampled by the master. */
    record WorkerMemory(long pid, long rssBytes) implements Input {}

    /** A worker sent the master a message. */
    record WorkerMessage(long pid, String text) implements Input {}

    /**
     * An sd_notify datagram: its lines ({@code READY=1}, {@code STATUS=…}, {@code WATCHDOG=1}), and
     * its sender followed by the sender's ancestors, nearest first; the first that is a worker sent it.
     */
    record Notified(List<Long> senders, List<String> lines) implements Input {}

    /** A worker described what it is doing (the worker library's status). */
    record WorkerStatus(long pid, String text) implements Input {}

    /** The master received a signal; the handler only enqueues this. */
    record SignalReceived(int signal) implements Input {}

    /** Keep {@code workers} slots; {@code done} completes once that many serve. */
    record Resize(int workers, CompletableFuture<Integer> done) implements Input {
        public Resize(int workers) {
            this(workers, new CompletableFuture<>());
        }
    }

    /**
     * Start a new generation: every slot at once, or one slot at a time ({@code rolling});
     * {@code done} completes with the generation once it serves on every slot.
     */
    record Reload(boolean rolling, CompletableFuture<Integer> done) implements Input {
        public Reload(boolean rolling) {
            this(rolling, new CompletableFuture<>());
        }
    }

    /** Stop the cluster: gracefully (drain, then kill after the timeout) or at once; {@code by}: who asked. */
    record Shutdown(boolean graceful, String by) implements Input {}
}
