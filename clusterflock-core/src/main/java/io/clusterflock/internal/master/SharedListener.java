package io.clusterflock.internal.master;

import io.clusterflock.internal.os.ListenSocket;
import java.net.InetSocketAddress;
import java.util.Set;

/** One listening socket that every worker inherits: the default. */
final class SharedListener implements Listeners {
    private final ListenSocket socket;

    SharedListener(ListenSocket socket) {
        this.socket = socket;
    }

    @Override
    public int fdFor(int slot) {
        return socket.fd();
    }

    @Override
    public void serving(Set<Integer> slots) {
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
        return "shared";
    }

    @Override
    public void close() {
        socket.close();
    }
}
