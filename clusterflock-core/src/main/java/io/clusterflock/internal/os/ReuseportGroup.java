package io.clusterflock.internal.os;

import java.util.ArrayList;
import java.util.List;

/**
 * Listening sockets of one {@code SO_REUSEPORT} group: one address and port, an accept queue per
 * socket, and a classic BPF program that picks the socket for each new connection (by the index
 * it returns; an index out of range falls back to the kernel's hash). Indexes follow the order in
 * which the sockets joined; closing one would move the last into its place and reset what is
 * queued on it, so the group only grows and its sockets close together at the end.
 */
public final class ReuseportGroup implements AutoCloseable {

    private final String host;
    private final int backlog;
    private final List<ListenSocket> sockets = new ArrayList<>();

    private ReuseportGroup(String host, int backlog, ListenSocket first) {
        this.host = host;
        this.backlog = backlog;
        sockets.add(first);
    }

    /**
     * Opens the group's first socket on {@code host:port} (port 0: the kernel picks one).
     *
     * @throws NativeException naming the address, as {@link ListenSocket#open} does
     */
    public static ReuseportGroup open(String host, int port, int backlog) {
        return new ReuseportGroup(host, backlog, ListenSocket.open(host, port, backlog, true));
    }

    /** Opens one more socket on the group's address and port: its index is the group's size before. */
    public synchronized ListenSocket add() {
        ListenSocket socket = ListenSocket.open(host, port(), backlog, true);
        sockets.add(socket);
        return socket;
    }

    /** The socket at {@code index}, in the order they joined. */
    public synchronized ListenSocket socket(int index) {
        return sockets.get(index);
    }

    public synchronized int size() {
        return sockets.size();
    }

    public int port() {
        return sockets.getFirst().port();
    }

    /**
     * Puts {@code program} in charge of the group, in place of the one before (atomically). It
     * returns, for each new connection, the index of the socket that gets it.
     *
     * @throws NativeException when the kernel refuses it (no reuseport programs here: before Linux 4.6)
     */
    public synchronized void attach(List<Bpf> program) {
        Libc.Result result = ListenSocket.attach(sockets.getFirst().fd(), Libc.SO_ATTACH_REUSEPORT_CBPF, program);
        if (result.failed()) {
            throw NativeException.of("cannot attach the client-address program to the sockets of "
                    + sockets.getFirst().displayAddress(), result.errno());
        }
    }

    /** How many connections wait in the accept queue of the socket at {@code index}. */
    public synchronized int queued(int index) {
        return sockets.get(index).queued();
    }

    /** Closes every socket of the group (the master's copies; workers keep theirs). */
    @Override
    public synchronized void close() {
        sockets.forEach(ListenSocket::close);
    }
}
