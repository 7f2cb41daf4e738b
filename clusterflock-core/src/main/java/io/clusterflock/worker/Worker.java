package io.clusterflock.worker;

import io.clusterflock.Warmup;
import io.clusterflock.internal.ipc.Frames;
import io.clusterflock.internal.ipc.IpcClient;
import io.clusterflock.internal.util.WarmupEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What a worker process knows about itself and how it talks to its master, found through its
 * environment (einhorn's {@code Einhorn::Worker}). Needs no native access: any Java server can
 * use it, in library or command mode.
 *
 * <pre>{@code
 * Worker worker = Worker.current().orElseThrow();
 * ServerSocketChannel socket = worker.channel();   // the shared listening socket, blocking
 * ... start serving on it ...
 * worker.ready();                                   // for readyWhen=ready
 * worker.onMessage(text -> ...);                    // from Cluster.send / broadcast
 * worker.onWarmup(() -> ...);                       // before the first connection: warm caches, pools
 * worker.onShutdown(() -> ...);                     // on SIGTERM, or when the master is gone
 * }</pre>
 *
 * <p>If the master goes away (even killed), the worker notices at once through its channel and
 * shuts down gracefully: it runs its shutdown hooks and exits, so no worker serves unsupervised.
 */
public final class Worker {
    private static final System.Logger LOG = System.getLogger("io.clusterflock");
    private static volatile Optional<Worker> current;

    private final int id;
    private final int generation;
    private final int workers;
    private final Duration timeout;
    private final Duration heartbeatInterval;
    private final OptionalLong maxRequests;
    private final List<Warmup> warmups;
    private final Duration ramp;
    private final boolean sticky;
    private final List<Runnable> warmupHooks = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> messageHandlers = new CopyOnWriteArrayList<>();
    private final List<Runnable> shutdownHandlers = new CopyOnWriteArrayList<>();
    private IpcClient master;
    private Thread shutdownHook;

    private Worker(int id, int generation, int workers, Duration timeout, Duration heartbeatInterval,
                   OptionalLong maxRequests, List<Warmup> warmups, Duration ramp, boolean sticky) {
        this.ramp = ramp;
        this.sticky = sticky;
        this.maxRequests = maxRequests;
        this.warmups = List.copyOf(warmups);
        this.id = id;
        this.generation = generation;
        this.workers = workers;
        this.timeout = timeout;
        this.heartbeatInterval = heartbeatInterval;
    }

    /**
     * This process as a worker, connected to its master; empty when it was not started by a
     * clusterflock master.
     */
    public static Optional<Worker> current() {
        Optional<Worker> worker = current;
        if (worker == null) {
            synchronized (Worker.class) {
                if (current == null) {
                    current = fromEnvironment(System.getenv());
                    current.ifPresent(w -> w.connect(System.getenv()));
                }
                worker = current;
            }
        }
        return worker;
    }

    /** Whether this process is a clusterflock worker; otherwise it may become a master. */
    public static boolean isWorker() {
        return System.getenv("CLUSTERFLOCK_WORKER_ID") != null;
    }

    /** Whether this process is not a worker: the one that starts (or is) the master. */
    public static boolean isMaster() {
        return !isWorker();
    }

    static Optional<Worker> fromEnvironment(Map<String, String> env) {
        String id = env.get("CLUSTERFLOCK_WORKER_ID");
        if (id == null) {
            return Optional.empty();
        }
        return Optional.of(new Worker(Integer.parseInt(id), number(env, "CLUSTERFLOCK_GENERATION", 0),
                number(env, "CLUSTERFLOCK_WORKERS", 1),
                Duration.ofMillis(number(env, "CLUSTERFLOCK_TIMEOUT_MS", 10_000)),
                Duration.ofMillis(number(env, "CLUSTERFLOCK_HEARTBEAT_MS", 1_000)),
                env.containsKey("CLUSTERFLOCK_MAX_REQUESTS")
                        ? OptionalLong.of(Long.parseLong(env.get("CLUSTERFLOCK_MAX_REQUESTS"))) : OptionalLong.empty(),
                WarmupEnvironment.decode(env.getOrDefault(WarmupEnvironment.VARIABLE, "")),
                Duration.ofMillis(number(env, "CLUSTERFLOCK_RAMP_MS", 0)), "1".equals(env.get("CLUSTERFLOCK_STICKY"))));
    }

    private static int number(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        return value == null ? fallback : Integer.parseInt(value);
    }

    private void connect(Map<String, String> env) {
        String path = env.get("CLUSTERFLOCK_IPC");
        String token = env.get("CLUSTERFLOCK_IPC_TOKEN");
        if (path == null || token == null) {
            return;
        }
        try {
            master = IpcClient.connect(Path.of(path), token, this::deliver, this::masterLost);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "worker " + id + ": cannot reach the master at " + path
                    + " (" + e.getMessage() + "); messages and readiness reports are off");
        }
    }

    /**
     * The request count at which the master recycles this worker ({@code --max-requests} plus this
     * worker's jitter); empty when it is never recycled by requests. A worker that counts its
     * requests reports crossing half of it and all of it at once ({@link #heartbeat}), so that its
     * replacement starts early and it stops near its limit; {@code Clusterflock.serve} does.
     */
    public OptionalLong maxRequests() {
        return maxRequests;
    }

    /**
     * The requests the operator wants each new worker to send itself before it accepts
     * ({@code --warmup}); {@code Clusterflock.serve} sends them in-process. A server of your own
     * may send them to its own handler the same way, then report ready.
     */
    public List<Warmup> warmups() {
        return warmups;
    }

    /**
     * Whether the cluster runs sticky sessions: this worker's socket is its slot's own, and the
     * kernel sends it the clients whose address maps to its slot. A connection this worker makes
     * to wake its own acceptor must come from {@code 127.255.H.L}, where {@code H * 256 + L} is its
     * id, to reach its slot's socket.
     */
    public boolean sticky() {
        return sticky;
    }

    /**
     * How long this worker's slow start lasts ({@code --ramp}): it takes few connections at first
     * and a full share at the end; zero: a full share at once.
     */
    public Duration ramp() {
        return ramp;
    }

    /**
     * Runs {@code hook} before this worker accepts its first connection, to warm what requests
     * alone do not: caches, connection pools, clients. Add it before {@code Clusterflock.serve};
     * hooks run in the order they were added, before the warm-up requests. A hook that throws
     * fails the start: the worker exits, and a reload to its build gives up.
     */
    public void onWarmup(Runnable hook) {
        warmupHooks.add(hook);
    }

    /**
     * Runs the {@link #onWarmup} hooks, in order; what a hook throws is thrown. {@code Clusterflock.serve}
     * calls it; a server of your own calls it before it reports {@link #ready}.
     */
    public void warmUp() {
        for (Runnable hook : warmupHooks) {
            hook.run();
        }
    }

    /** The slot, 0 ≤ id &lt; workers, stable across respawns of the slot. */
    public int id() {
        return id;
    }

    /** The reload generation this worker was started for (0 at first start). */
    public int generation() {
        return generation;
    }

    /** How many workers the cluster had when this one was started. */
    public int workers() {
        return workers;
    }

    /** How long the master lets this worker drain once asked to stop, before it kills it. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The listening socket shared by every worker, in blocking mode. Keep it blocking: the
     * O_NONBLOCK flag is shared by every worker's copy of the socket. Do not close it: it is the
     * JDK's inherited channel, whose close points fds 0, 1 and 2 at /dev/null, so the worker's
     * output after that is lost. The process's exit closes it.
     *
     * @throws IllegalStateException when fd 0 is not a listening socket
     */
    public ServerSocketChannel channel() {
        try {
            Channel inherited = System.inheritedChannel();
            if (inherited instanceof ServerSocketChannel server) {
                return server;
            }
            throw new IllegalStateException("fd 0 is not a listening socket (" + inherited
                    + "): was this process started by a clusterflock master?");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the inherited channel", e);
        }
    }

    /** Tells the master this worker is ready to serve (readyWhen=ready): old workers may now go. */
    public void ready() {
        report("ready");
    }

    /**
     * Tells the master what this worker is doing (its log shows it), as sd_notify's
     * {@code STATUS=} does. A starting worker that says this manages its own readiness: under
     * {@code readyWhen=started} staying up {@code readyAfter} no longer proves it, only
     * {@link #ready()} does. Say it early, from a server that takes longer than that to start.
     */
    public void status(String text) {
        report("status " + text);
    }

    /** Tells the master this worker's server accepts connections (readyWhen=listening). */
    public void listening() {
        report("listening");
    }

    /**
     * Tells the master this worker is alive, and how many requests it has served so far (-1 when
     * it does not count them). Once a worker has sent one, the master's {@code workerTimeout}
     * applies: call it every {@link #heartbeatInterval()} from the code that proves the worker can
     * still serve (its request threads, not a timer of its own), so a deadlock stops the beat.
     * {@code Clusterflock.serve} does this by itself.
     */
    public void heartbeat(long requestsServed) {
        report("heartbeat " + requestsServed);
    }

    /** How often to {@link #heartbeat}: well inside the master's worker timeout. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * Sends {@code text} to the master's message handler.
     *
     * @throws IllegalArgumentException when it is over 64 KiB of UTF-8
     * @throws IllegalStateException    when there is no channel to the master
     */
    public void send(String text) {
        int size = Frames.size(text);
        if (size > Frames.MAX_MESSAGE) {
            throw new IllegalArgumentException("a message of " + size + " bytes is over the limit of "
                    + Frames.MAX_MESSAGE + " bytes");
        }
        if (master == null) {
            throw new IllegalStateException("worker " + id + " has no channel to its master");
        }
        write("msg " + text);
    }

    /** Receives messages from the master ({@code Cluster.send}, {@code broadcast}, replies). */
    public void onMessage(Consumer<String> handler) {
        messageHandlers.add(handler);
    }

    /**
     * Runs {@code handler} when this worker is asked to stop (SIGTERM) or its master is gone, before
     * the JVM exits (gs-clutch's {@code shutDown}). Handlers run in the order they were added.
     */
    public synchronized void onShutdown(Runnable handler) {
        shutdownHandlers.add(handler);
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::runShutdownHandlers, "clusterflock-worker-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    private void runShutdownHandlers() {
        for (Runnable handler : shutdownHandlers) {
            try {
                handler.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "worker " + id + ": a shutdown handler failed: " + e, e);
            }
        }
    }

    private void report(String verb) {
        if (master != null) {
            write(verb);
        }
    }

    private void write(String frame) {
        try {
            master.write(frame);
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + id + ": the master is unreachable", e);
        }
    }

    private void deliver(String text) {
        for (Consumer<String> handler : messageHandlers) {
            handler.accept(text);
        }
    }

    /** The master is gone: shut down as if asked to, so nothing serves unsupervised. */
    private void masterLost() {
        LOG.log(System.Logger.Level.WARNING, "worker " + id + ": the master is gone; shutting down");
        Thread.ofPlatform().name("clusterflock-master-lost").start(() -> System.exit(0));
    }
}
