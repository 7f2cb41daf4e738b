package io.clusterflock;

import io.clusterflock.internal.master.Master;
import io.clusterflock.internal.supervisor.Input;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A running master: it owns the listening socket and supervises the workers that serve it.
 *
 * <pre>{@code
 * Cluster cluster = Cluster.start(o -> o.workers(4).port(8080).command("python3", "app.py"));
 * cluster.resize(6);
 * int exitCode = cluster.shutdown().join(); // drains, then returns
 * }</pre>
 *
 * Every method is safe from any thread; requests are queued to the one supervisor thread and take
 * effect in order.
 */
public final class Cluster implements AutoCloseable {
    private final Master master;

    private Cluster(Master master) {
        this.master = master;
    }

    /**
     * Listens and spawns the workers; returns at once, with the workers starting.
     *
     * @throws ClusterException when it cannot start: the command is not found, the port is taken,
     *                          the platform is not supported. Nothing is left running then.
     */
    public static Cluster start(ClusterOptions options) {
        return new Cluster(Master.start(options));
    }

    /** Builds the options with {@code configure} and starts. */
    public static Cluster start(Consumer<ClusterOptions.Builder> configure) {
        ClusterOptions.Builder builder = ClusterOptions.builder();
        configure.accept(builder);
        return start(builder.build());
    }

    /** The listening address, with the real port when port 0 was asked for. */
    public InetSocketAddress address() {
        return master.address();
    }

    /** A snapshot of every worker process, including those starting and stopping. */
    public List<WorkerInfo> workers() {
        return master.workers();
    }

    /** A snapshot of every slot, with the respawn delay a slot without a running worker waits out. */
    public List<SlotInfo> slots() {
        return master.slots();
    }

    /** The generation that serves: that of the last reload or restart that finished (0 before any). */
    public int generation() {
        return master.rollout().serving();
    }

    /**
     * Keeps {@code workers} workers: new slots take the lowest free ids, the least recently forked
     * leave. The future completes with the size once every slot serves a ready worker and the
     * workers of removed slots are gone; exceptionally ({@link ClusterException}) when the resize
     * is declined (the cluster is shutting down) or superseded by another.
     */
    public CompletableFuture<Integer> resize(int workers) {
        if (workers < 1 || workers > ClusterOptions.MAX_WORKERS) {
            throw new OptionException("workers", workers, "a whole number from 1 to " + ClusterOptions.MAX_WORKERS);
        }
        CompletableFuture<Integer> done = new CompletableFuture<>();
        master.submit(new Input.Resize(workers, done));
        return done;
    }

    /**
     * A new generation for every slot at once; old workers drain once their replacements are
     * ready. The future completes with the generation once it serves on every slot (a reload that
     * a newer one supersedes completes when the newer one does), and exceptionally with a
     * {@link ReloadException} when it gives up: a new worker failed before it was ready, and the
     * serving generation keeps serving.
     */
    public CompletableFuture<Integer> reload() {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        master.submit(new Input.Reload(false, done));
        return done;
    }

    /** As {@link #reload()}, one slot at a time: each old worker drains once its replacement is ready. */
    public CompletableFuture<Integer> restart() {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        master.submit(new Input.Reload(true, done));
        return done;
    }

    /**
     * Sends {@code text} to the worker in slot {@code id} (its {@code Worker.onMessage} handlers);
     * false when that slot has no connected worker.
     *
     * @throws IllegalArgumentException when the message is over 64 KiB of UTF-8
     */
    public boolean send(int id, String text) {
        return master.send(id, text);
    }

    /** Sends {@code text} to every connected worker; returns how many. */
    public int broadcast(String text) {
        return master.broadcast(text);
    }

    /** Graceful shutdown: workers drain, those still running after the timeout are killed. */
    public CompletableFuture<Integer> shutdown() {
        master.submit(new Input.Shutdown(true, "Cluster.shutdown()"));
        return master.exitCode();
    }

    /** Kills every worker at once. */
    public CompletableFuture<Integer> kill() {
        master.submit(new Input.Shutdown(false, "Cluster.kill()"));
        return master.exitCode();
    }

    /** Completes with the master's exit code (0 graceful, 1 killed) once no worker is left. */
    public CompletableFuture<Integer> onExit() {
        return master.exitCode();
    }

    /** Shuts down gracefully and waits. */
    @Override
    public void close() {
        shutdown().join();
    }
}
