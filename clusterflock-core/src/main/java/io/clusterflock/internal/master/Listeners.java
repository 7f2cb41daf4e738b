package io.clusterflock.internal.master;

import java.net.InetSocketAddress;
import java.util.Set;

/**
 * Where workers accept: one socket shared by every worker (the kernel's queue, FIFO over the
 * workers blocked in {@code accept()}), or with {@code --sticky} a socket per slot, the kernel
 * picking the slot by the client's address ({@link StickyListeners}). The master holds them for
 * the life of the cluster and never accepts.
 */
interface Listeners extends AutoCloseable {

    /** The fd a worker of {@code slot} inherits at 0 and 3. */
    int fdFor(int slot);

    /** The slots that have a ready worker: new connections go to them when it matters. */
    void serving(Set<Integer> slots);

    /**
     * A graceful shutdown's first step: no new handshake starts from now on, while connections the
     * kernel has already accepted stay for the workers to take ({@link #waiting}), so the last close
     * resets none of them. False when the socket outlives the master (systemd's: its queue waits
     * for the next master), so there is no door to close.
     */
    boolean closeDoor();

    /** Connections the kernel holds for the workers: queued, or half-way through their handshake. */
    int waiting();

    InetSocketAddress address();

    /** "*:5000", "127.0.0.1:5000" or "[::1]:5000": for messages and logs. */
    String displayAddress();

    /** How connections are spread, for status: {@code shared} or {@code sticky}. */
    String balance();

    @Override
    void close();
}
