package io.clusterflock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What a worker process knows about itself, found through its environment (einhorn's
 * {@code Einhorn::Worker}). Needs no native access: any Java server can use it.
 *
 * <pre>{@code
 * Worker.current().ifPresent(w -> System.out.println("I am worker " + w.id()));
 * }</pre>
 */
public final class Worker {
    private final int id;
    private final int generation;
    private final int workers;
    private final Duration timeout;

    private Worker(int id, int generation, int workers, Duration timeout) {
        this.id = id;
        this.generation = generation;
        this.workers = workers;
        this.timeout = timeout;
    }

    /** This process as a worker, or empty when it was not started by a clusterflock master. */
    public static Optional<Worker> current() {
        return fromEnvironment(System.getenv());
    }

    /** Whether this process is a clusterflock worker (otherwise it may become a master). */
    public static boolean isWorker() {
        return System.getenv("CLUSTERFLOCK_WORKER_ID") != null;
    }

    static Optional<Worker> fromEnvironment(Map<String, String> env) {
        String id = env.get("CLUSTERFLOCK_WORKER_ID");
        if (id == null) {
            return Optional.empty();
        }
        return Optional.of(new Worker(Integer.parseInt(id), number(env, "CLUSTERFLOCK_GENERATION", 0),
                number(env, "CLUSTERFLOCK_WORKERS", 1),
                Duration.ofMillis(number(env, "CLUSTERFLOCK_TIMEOUT_MS", 10_000))));
    }

    private static int number(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        return value == null ? fallback : Integer.parseInt(value);
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
     * O_NONBLOCK flag is shared by every worker's copy of the socket.
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
}
