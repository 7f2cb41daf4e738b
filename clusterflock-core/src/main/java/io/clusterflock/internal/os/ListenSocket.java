package io.clusterflock.internal.os;

import static io.clusterflock.internal.os.Libc.AF_INET;
import static io.clusterflock.internal.os.Libc.AF_INET6;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * The master's TCP listening socket, made with libc rather than the JDK so that we own its fd
 * number and flags: workers inherit it at fds 0 and 3.
 *
 * <p>It stays blocking forever: O_NONBLOCK is shared by every duplicate of the socket, and
 * blocking accept is what spreads connections fairly over the workers (see PLATFORM-FACTS.md).
 */
public final class ListenSocket implements AutoCloseable {

    private static final ValueLayout.OfShort NETWORK_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long SOCKADDR_IN_BYTES = 16;
    private static final long SOCKADDR_IN6_BYTES = 28;
    /** Fds below this are moved up: the spawner dup2s the socket onto 0 and 3. */
    private static final int LOWEST_KEPT_FD = 4;
    private static final int MOVED_FD_FLOOR = 10;
    /** {@code struct tcp_info}: the fields up to and including tcpi_sacked. */
    private static final int TCP_INFO_BYTES = 104;
    private static final long TCPI_UNACKED = 24;
    /** {@code struct sock_fprog}: u16 len, padding, a pointer to the instructions. */
    private static final long SOCK_FPROG_BYTES = 16;

    private volatile int fd; // -1 once closed
    private final InetSocketAddress address;
    private final String displayAddress;

    private ListenSocket(int fd, InetSocketAddress address, String displayAddress) {
        this.fd = fd;
        this.address = address;
        this.displayAddress = displayAddress;
    }

    /**
     * Opens a socket listening on {@code host:port}. A null, empty or "*" host means every
     * interface: IPv6 and IPv4 together on "::", or IPv4 0.0.0.0 when the kernel has no IPv6.
     * Port 0 lets the kernel choose; {@link #port()} tells which.
     *
     * @throws NativeException e.g. "cannot listen on *:5000: Address already in use"
     */
    public static ListenSocket open(String host, int port, int backlog) {
        return open(host, port, backlog, false);
    }

    /**
     * {@link #open}, with {@code SO_REUSEPORT} when {@code reusePort}: sockets of one user bound so
     * to one address and port form a group, each with its own accept queue ({@link ReuseportGroup}).
     */
    static ListenSocket open(String host, int port, int backlog, boolean reusePort) {
        Platform.requireSupported();
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
        }
        if (host == null || host.isEmpty() || host.equals("*")) {
            return openOnAllInterfaces(port, backlog, reusePort);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new NativeException("cannot listen on " + host + ":" + port + ": unknown host", 0);
        }
        String label = literal(address);
        int family = address instanceof Inet6Address ? AF_INET6 : AF_INET;
        Libc.Result socket = newSocket(family);
        if (socket.failed()) {
            throw failure(label, port, socket.errno());
        }
        return setUp(socket.value(), address, port, backlog, label, false, reusePort);
    }

    private static ListenSocket openOnAllInterfaces(int port, int backlog, boolean reusePort) {
        Libc.Result v6 = newSocket(AF_INET6);
        if (!v6.failed()) {
            return setUp(v6.value(), InetAddress.ofLiteral("::"), port, backlog, "*", true, reusePort);
        }
        if (v6.errno() != Libc.EAFNOSUPPORT) {
            throw failure("*", port, v6.errno());
        }
        Libc.Result v4 = newSocket(AF_INET);
        if (v4.failed()) {
            throw failure("*", port, v4.errno());
        }
        return setUp(v4.value(), InetAddress.ofLiteral("0.0.0.0"), port, backlog, "*", false, reusePort);
    }

    private static Libc.Result newSocket(int family) {
        // CLOEXEC from birth: no spawn (ours or the JDK's) may inherit it by accident.
        return Libc.call(Libc.SOCKET, family, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
    }

    private static ListenSocket setUp(int newFd, InetAddress address, int port, int backlog, String label,
                                      boolean dualStack, boolean reusePort) {
        int fd = moveAboveLowFds(newFd, label, port);
        try (Arena arena = Arena.ofConfined()) {
            if (dualStack) {
                setIntOption(arena, fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 0, label, port);
            }
            // Lets a restarted master bind while old connections sit in TIME_WAIT.
            setIntOption(arena, fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1, label, port);
            if (reusePort) {
                setIntOption(arena, fd, Libc.SOL_SOCKET, Libc.SO_REUSEPORT, 1, label, port);
            }
            MemorySegment sockaddr = sockaddr(arena, address, port);
            check(Libc.call(Libc.BIND, fd, sockaddr, (int) sockaddr.byteSize()), label, port);
            check(Libc.call(Libc.LISTEN, fd, backlog), label, port);
            int realPort = boundPort(arena, fd, label, port);
            return new ListenSocket(fd, new InetSocketAddress(address, realPort), display(label, realPort));
        } catch (RuntimeException e) {
            Libc.call(Libc.CLOSE, fd); // already failing: the original error is the one to report
            throw e;
        }
    }

    /**
     * A socket at fd 0..3 would be dup2'd onto its own number in the child, which leaves
     * close-on-exec set, so it is moved to a CLOEXEC fd of 10 or more.
     */
    private static int moveAboveLowFds(int fd, String label, int port) {
        if (fd >= LOWEST_KEPT_FD) {
            return fd;
        }
        Libc.Result moved = Libc.call(Libc.FCNTL_INT, fd, Libc.F_DUPFD_CLOEXEC, MOVED_FD_FLOOR);
        Libc.call(Libc.CLOSE, fd);
        check(moved, label, port);
        return moved.value();
    }

    private static void setIntOption(
            Arena arena, int fd, int level, int option, int value, String label, int port) {
        MemorySegment box = arena.allocateFrom(JAVA_INT, value);
        check(Libc.call(Libc.SETSOCKOPT, fd, level, option, box, (int) JAVA_INT.byteSize()), label, port);
    }

    /** struct sockaddr_in or sockaddr_in6: family in host order, port and address in network order. */
    private static MemorySegment sockaddr(Arena arena, InetAddress address, int port) {
        byte[] bytes = address.getAddress();
        boolean v6 = address instanceof Inet6Address;
        MemorySegment s = arena.allocate(v6 ? SOCKADDR_IN6_BYTES : SOCKADDR_IN_BYTES, 4);
        s.set(JAVA_SHORT, 0, (short) (v6 ? AF_INET6 : AF_INET));
        s.set(NETWORK_SHORT, 2, (short) port);
        if (v6) {
            MemorySegment.copy(bytes, 0, s, JAVA_BYTE, 8, bytes.length); // after sin6_flowinfo
            s.set(JAVA_INT, 24, ((Inet6Address) address).getScopeId()); // link-local addresses need it
        } else {
            MemorySegment.copy(bytes, 0, s, JAVA_BYTE, 4, bytes.length);
        }
        return s;
    }

    private static int boundPort(Arena arena, int fd, String label, int port) {
        MemorySegment storage = arena.allocate(Libc.SOCKADDR_STORAGE_BYTES, 8);
        MemorySegment length = arena.allocateFrom(JAVA_INT, (int) Libc.SOCKADDR_STORAGE_BYTES);
        check(Libc.call(Libc.GETSOCKNAME, fd, storage, length), label, port);
        return Short.toUnsignedInt(storage.get(NETWORK_SHORT, 2)); // same offset in both families
    }

    private static void check(Libc.Result result, String label, int port) {
        if (result.failed()) {
            throw failure(label, port, result.errno());
        }
    }

    private static NativeException failure(String label, int port, int errno) {
        return NativeException.of("cannot listen on " + display(label, port), errno);
    }

    private static String display(String label, int port) {
        return (label.indexOf(':') >= 0 ? "[" + label + "]" : label) + ":" + port;
    }

    /**
     * The address as people write it: "127.0.0.1", or IPv6 compressed per RFC 5952 ("::1"), where
     * the JDK would print "0:0:0:0:0:0:0:1".
     */
    public static String literal(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) {
            return address.getHostAddress();
        }
        byte[] b = v6.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
            } else {
                if (i > 0 && text.charAt(text.length() - 1) != ':') {
                    text.append(':');
                }
                text.append(Integer.toHexString(groups[i]));
            }
        }
        if (v6.getScopedInterface() != null) {
            text.append('%').append(v6.getScopedInterface().getName());
        } else if (v6.getScopeId() != 0) {
            text.append('%').append(v6.getScopeId());
        }
        return text.toString();
    }

    /**
     * Takes over a listening socket this process was given at {@code fd} (systemd's socket
     * activation): it must be a TCP socket in the listening state. The fd moves above the low
     * numbers like any other and becomes close-on-exec; the socket's owner keeps its own copy.
     *
     * @throws NativeException saying what {@code fd} is instead, as {@code what} names it
     */
    public static ListenSocket adopt(int fd, String what) {
        Platform.requireSupported();
        try (Arena arena = Arena.ofConfined()) {
            int type = intOption(arena, fd, Libc.SOL_SOCKET, Libc.SO_TYPE, what);
            int family = intOption(arena, fd, Libc.SOL_SOCKET, Libc.SO_DOMAIN, what);
            if (type != Libc.SOCK_STREAM || (family != AF_INET && family != AF_INET6)) {
                throw new NativeException(what + " is not a TCP socket", 0);
            }
            if (intOption(arena, fd, Libc.SOL_SOCKET, Libc.SO_ACCEPTCONN, what) != 1) {
                throw new NativeException(what + " is a TCP socket that does not listen", 0);
            }
            MemorySegment storage = arena.allocate(Libc.SOCKADDR_STORAGE_BYTES, 8);
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) Libc.SOCKADDR_STORAGE_BYTES);
            Libc.Result name = Libc.call(Libc.GETSOCKNAME, fd, storage, length);
            if (name.failed()) {
                throw NativeException.of("cannot read the address of " + what, name.errno());
            }
            InetSocketAddress address = boundAddress(storage, family);
            String label = address.getAddress().isAnyLocalAddress() ? "*" : literal(address.getAddress());
            Libc.Result moved = Libc.call(Libc.FCNTL_INT, fd, Libc.F_DUPFD_CLOEXEC, MOVED_FD_FLOOR);
            if (moved.failed()) {
                throw NativeException.of("cannot take over " + what, moved.errno());
            }
            Libc.call(Libc.CLOSE, fd);
            return new ListenSocket(moved.value(), address, display(label, address.getPort()));
        }
    }

    private static int intOption(Arena arena, int fd, int level, int option, String what) {
        MemorySegment value = arena.allocate(JAVA_INT);
        MemorySegment length = arena.allocateFrom(JAVA_INT, (int) JAVA_INT.byteSize());
        Libc.Result result = Libc.call(Libc.GETSOCKOPT, fd, level, option, value, length);
        if (result.failed()) {
            throw NativeException.of(what + " is not a socket", result.errno());
        }
        return value.get(JAVA_INT, 0);
    }

    private static InetSocketAddress boundAddress(MemorySegment storage, int family) {
        int port = Short.toUnsignedInt(storage.get(NETWORK_SHORT, 2));
        byte[] bytes = new byte[family == AF_INET6 ? 16 : 4];
        MemorySegment.copy(storage, JAVA_BYTE, family == AF_INET6 ? 8 : 4, bytes, 0, bytes.length);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for a wrong length
        }
    }

    /** How many connections wait in the accept queue (TCP_INFO's {@code tcpi_unacked} on a listener). */
    public int queued() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(TCP_INFO_BYTES, 8);
            MemorySegment length = arena.allocateFrom(JAVA_INT, TCP_INFO_BYTES);
            Libc.Result result = Libc.call(Libc.GETSOCKOPT, fd, Libc.IPPROTO_TCP, Libc.TCP_INFO, info, length);
            if (result.failed()) {
                throw NativeException.of("cannot read the accept queue of " + displayAddress, result.errno());
            }
            return info.get(JAVA_INT, TCPI_UNACKED);
        }
    }

    /**
     * Puts {@code program} in charge of the packets this socket receives, as a socket filter
     * (no privileges needed): it sees the TCP header at offset 0 and the IP header at
     * {@link Bpf#NET_OFF}; it returns 0 to drop a packet. Connections accepted later inherit it.
     *
     * @throws NativeException when the kernel refuses it
     */
    public void filter(java.util.List<Bpf> program, String purpose) {
        Libc.Result result = attach(fd, Libc.SO_ATTACH_FILTER, program);
        if (result.failed()) {
            throw NativeException.of("cannot " + purpose + " on " + displayAddress, result.errno());
        }
    }

    /** Attaches a classic BPF program to socket {@code fd} as socket option {@code option} (SOL_SOCKET). */
    static Libc.Result attach(int fd, int option, java.util.List<Bpf> program) {
        byte[] code = Bpf.encode(program);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment instructions = arena.allocate(code.length, 8);
            MemorySegment.copy(code, 0, instructions, JAVA_BYTE, 0, code.length);
            MemorySegment fprog = arena.allocate(SOCK_FPROG_BYTES, 8);
            fprog.set(JAVA_SHORT, 0, (short) program.size());
            fprog.set(ValueLayout.ADDRESS, 8, instructions);
            return Libc.call(Libc.SETSOCKOPT, fd, Libc.SOL_SOCKET, option, fprog, (int) SOCK_FPROG_BYTES);
        }
    }

    /** The fd number, or -1 once closed (so a late spawn fails with EBADF instead of passing a reused fd). */
    public int fd() {
        return fd;
    }

    /** The bound address, with the real port when 0 was asked for. "::" or "0.0.0.0" for all interfaces. */
    public InetSocketAddress address() {
        return address;
    }

    /** "*:5000", "127.0.0.1:5000" or "[::1]:5000": for messages and logs. */
    public String displayAddress() {
        return displayAddress;
    }

    public int port() {
        return address.getPort();
    }

    /** Closes the master's copy; workers keep theirs. Closing again does nothing. */
    @Override
    public synchronized void close() {
        int open = fd;
        if (open >= 0) {
            fd = -1;
            Libc.close(open, "listening socket " + displayAddress);
        }
    }

    @Override
    public String toString() {
        return displayAddress;
    }
}
