package io.clusterflock.internal.master;

import io.clusterflock.internal.os.HalfOpen;
import io.clusterflock.internal.os.ListenSocket;
import java.net.InetSocketAddress;
import java.util.Set;

/**
 * One listening socket that every worker inherits: the default. The master made it, or was given
 * it by systemd (socket activation), in which case systemd keeps its own copy and the socket
 * outlives the master.
 */
final class SharedListener implements Listeners {
    private final ListenSocket socket;
    private final boolean ours;

    private SharedListener(ListenSocket socket, boolean ours) {
        this.socket = socket;
        this.ours = ours;
    }

    /** A socket the master opened, closed when it is done. */
    static SharedListener opened(ListenSocket socket) {
        return new SharedListener(socket, true);
    }

    /** A socket systemd passed, which lives on in systemd after the master. */
    static SharedListener passed(ListenSocket socket) {
        return new SharedListener(socket, false);
    }

    @Override
    public int fdFor(int slot) {
        return socket.fd();
    }

    @Override
    public void serving(Set<Integer> slots) {
    }

    @Override
    public boolean closeDoor() {
        if (ours) {
            Door.close(socket);
        }
        return ours;
    }

    @Override
    public int waiting() {
        return socket.queued() + HalfOpen.count(socket.port());
    }

    @Override
    public InetSocketAddress address() {
        return socket.address();
    }

    @Override
    public String displayAddress() {
        return socket.displayAddress();
    }

    @Override
    public String balance() {
        return ours ? "shared" : "shared (socket from systemd)";
    }

    @Override
    public void close() {
        socket.close();
    }
}
