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

    InetSocketAddress address();

    /** "*:5000", "127.0.0.1:5000" or "[::1]:5000": for messages and logs. */
    String displayAddress();

    /** How connections are spread, for status: {@code shared} or {@code sticky}. */
    String balance();

    @Override
    void close();
}
