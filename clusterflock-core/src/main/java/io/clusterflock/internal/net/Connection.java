package io.clusterflock.internal.net;

import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection accepted by an {@link AcceptLoop}, as its handler sees it. It counts against the
 * loop's cap until the handler returns, or until {@link #admit()} says that something else now
 * bounds it.
 */
public final class Connection {
    private final SocketChannel channel;
    private final Runnable giveBackPlace;
    private final AtomicBoolean counted = new AtomicBoolean(true);

    Connection(SocketChannel channel, Runnable giveBackPlace) {
        this.channel = channel;
        this.giveBackPlace = giveBackPlace;
    }

    public SocketChannel channel() {
        return channel;
    }

    /**
     * The peer has proven who it is (a worker with its one-time token): it no longer takes one of
     * the places the cap keeps for peers not yet known, whose number nothing else bounds. The loop
     * still closes it when the handler returns or the loop closes. Calling it again does nothing.
     */
    public void admit() {
        if (counted.compareAndSet(true, false)) {
            giveBackPlace.run();
        }
    }

    /** The handler is done: its place goes back, unless admitted earlier. */
    void end() {
        admit();
    }
}
