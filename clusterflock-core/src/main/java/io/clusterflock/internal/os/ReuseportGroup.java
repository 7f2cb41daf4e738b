package io.clusterflock.internal.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
    /** {@code struct sock_fprog}: u16 len, padding, a pointer to the instructions. */
    private static final long SOCK_FPROG_BYTES = 16;
    /** {@code struct tcp_info}: the fields up to and including tcpi_sacked. */
    private static final int TCP_INFO_BYTES = 104;
    private static final long TCPI_UNACKED = 24;

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
        byte[] code = Bpf.encode(program);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment instructions = arena.allocate(code.length, 8);
            MemorySegment.copy(code, 0, instructions, JAVA_BYTE, 0, code.length);
            MemorySegment fprog = arena.allocate(SOCK_FPROG_BYTES, 8);
            fprog.set(JAVA_SHORT, 0, (short) program.size());
            fprog.set(ADDRESS, 8, instructions);
            Libc.Result result = Libc.call(Libc.SETSOCKOPT, sockets.getFirst().fd(), Libc.SOL_SOCKET,
                    Libc.SO_ATTACH_REUSEPORT_CBPF, fprog, (int) SOCK_FPROG_BYTES);
            if (result.failed()) {
                throw NativeException.of("cannot attach the client-address program to the sockets of "
                        + sockets.getFirst().displayAddress(), result.errno());
            }
        }
    }

    /** How many connections wait in the accept queue of the socket at {@code index} (TCP_INFO's tcpi_unacked). */
    public synchronized int queued(int index) {
        ListenSocket socket = sockets.get(index);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(TCP_INFO_BYTES, 8);
            MemorySegment length = arena.allocateFrom(JAVA_INT, TCP_INFO_BYTES);
            Libc.Result result = Libc.call(Libc.GETSOCKOPT, socket.fd(), Libc.IPPROTO_TCP, Libc.TCP_INFO, info, length);
            if (result.failed()) {
                throw NativeException.of("cannot read the accept queue of " + socket.displayAddress(), result.errno());
            }
            return info.get(JAVA_INT, TCPI_UNACKED);
        }
    }

    /** Closes every socket of the group (the master's copies; workers keep theirs). */
    @Override
    public synchronized void close() {
        sockets.forEach(ListenSocket::close);
    }
}
