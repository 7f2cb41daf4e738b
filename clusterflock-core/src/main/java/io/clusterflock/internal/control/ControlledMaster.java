package io.clusterflock.internal.control;

import io.clusterflock.SlotInfo;
import io.clusterflock.WorkerInfo;
import io.clusterflock.internal.supervisor.Input;
import io.clusterflock.internal.supervisor.RolloutState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** What the control socket reads from its master and asks of it. */
public interface ControlledMaster {
    long pid();

    String name();

    Duration uptime();

    InetSocketAddress address();

    /** The listening address as the log shows it: "*:5000", "[::1]:8080". */
    String displayAddress();

    /** How connections are spread over the workers: {@code shared} (one queue) or {@code sticky} (by client address). */
    default String balance() {
        return "shared";
    }

    /**
     * With sticky sessions, where a client address's connections go, in words ({@code slot 2
     * (bucket 57 of 256)}); empty without.
     */
    default Optional<String> stickySlot(java.net.InetAddress client) {
        return Optional.empty();
    }

    /** Which generation serves, and what became of the newest. */
    RolloutState rollout();

    /** Every unreaped worker, by slot then generation. */
    List<WorkerInfo> workers();

    /** Every slot, by id. */
    List<SlotInfo> slots();

    /** The resident memory of worker {@code pid} in bytes, if it can be read. */
    OptionalLong rss(long pid);

    /** The heap limit of worker {@code pid} in bytes, if it is a JVM that tells it. */
    OptionalLong heapLimit(long pid);

    /** How long a graceful stop lets workers drain. */
    Duration stopTimeout();

    /** Queues a request for the supervisor, as a signal handler does. */
    void submit(Input input);

    /**
     * Completes with the exit code once every worker is gone, before the master releases what it
     * holds (this socket among them: its close waits briefly for the answers still being written).
     */
    CompletableFuture<Integer> stopped();
}
