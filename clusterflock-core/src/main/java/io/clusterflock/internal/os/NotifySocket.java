package io.clusterflock.internal.os;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The master's end of NOTIFY_SOCKET: an AF_UNIX datagram socket that takes sd_notify lines
 * (READY=1, STATUS=…, WATCHDOG=1, STOPPING=1) from workers, and tells which process sent each.
 * Made with libc because the JDK has no AF_UNIX datagram sockets.
 *
 * <p>Like systemd it turns on SO_PASSCRED, so the kernel attaches the sender's pid and uid to
 * every datagram: senders (libsystemd's sd_notify, systemd-notify, a plain sendto) need not do
 * anything, and without CAP_SYS_ADMIN they cannot claim another process's pid. With it they can:
 * systemd-notify run as root names its parent, where unprivileged it can only name itself.
 *
 * <p>{@link #close()} may be called from any thread: it shuts the socket down, which makes a
 * recvmsg blocked in {@link #receive()} return at once. The fd itself is closed by whichever of
 * close() and the last receive() to leave comes last, so a receive never calls recvmsg on an fd
 * number that was closed and perhaps reused for something else.
 */
public final class NotifySocket implements AutoCloseable {

    /** sd_notify messages are a few lines; systemd reads them with a buffer of this size too. */
    static final int MAX_DATAGRAM_BYTES = 4096;
    /** Bursts from many workers at once should queue rather than make them wait. */
    private static final int RECEIVE_BUFFER_BYTES = 256 * 1024;
    /** The kernel's cap on fds in one SCM_RIGHTS message: room for all, so we close every one. */
    private static final int SCM_MAX_FD = 253;

    /** The charset the JDK names files with, so the socket gets the name the caller's Path means. */
    private static final Charset FILE_NAMES =
            Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"), StandardCharsets.UTF_8);

    private static final StructLayout SOCKADDR_UN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sun_family"),
            MemoryLayout.sequenceLayout(Libc.SUN_PATH_BYTES, JAVA_BYTE).withName("sun_path"));
    private static final StructLayout IOVEC = MemoryLayout.structLayout(
            ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len"));
    /** glibc's struct msghdr on 64-bit Linux: socklen_t msg_namelen is followed by padding. */
    private static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));
    private static final StructLayout CMSGHDR = MemoryLayout.structLayout(
            JAVA_LONG.withName("cmsg_len"),
            JAVA_INT.withName("cmsg_level"),
            JAVA_INT.withName("cmsg_type"));
    private static final StructLayout UCRED = MemoryLayout.structLayout(
            JAVA_INT.withName("pid"),
            JAVA_INT.withName("uid"),
            JAVA_INT.withName("gid"));

    private static final long SUN_PATH = offset(SOCKADDR_UN, "sun_path");
    private static final long IOV_BASE = offset(IOVEC, "iov_base");
    private static final long IOV_LEN = offset(IOVEC, "iov_len");
    private static final long MSG_IOV = offset(MSGHDR, "msg_iov");
    private static final long MSG_IOVLEN = offset(MSGHDR, "msg_iovlen");
    private static final long MSG_CONTROL = offset(MSGHDR, "msg_control");
    private static final long MSG_CONTROLLEN = offset(MSGHDR, "msg_controllen");
    private static final long MSG_FLAGS = offset(MSGHDR, "msg_flags");
    private static final long CMSG_LEN = offset(CMSGHDR, "cmsg_len");
    private static final long CMSG_LEVEL = offset(CMSGHDR, "cmsg_level");
    private static final long CMSG_TYPE = offset(CMSGHDR, "cmsg_type");
    private static final long UCRED_PID = offset(UCRED, "pid");
    private static final long UCRED_UID = offset(UCRED, "uid");
    /** The kernel puts the credentials first, then any fds. */
    private static final long CONTROL_BYTES =
            cmsgSpace(UCRED.byteSize()) + cmsgSpace(SCM_MAX_FD * JAVA_INT.byteSize());

    private final Path path;
    private final byte[] name; // the bytes bound, so close() unlinks exactly that file
    // All three are guarded by this.
    private int fd; // -1 once closed
    private boolean closed;
    private int receivers; // threads inside receive()

    private NotifySocket(int fd, Path path, byte[] name) {
        this.fd = fd;
        this.path = path;
        this.name = name;
    }

    /**
     * One datagram as received.
     *
     * @param pid  the sender's pid as seen from here, or -1 when no credentials came with it. The
     *             sender may have ended since it sent, and its pid may even have been reused
     * @param uid  the sender's uid, or -1 with pid -1
     * @param text the payload as UTF-8, malformed bytes replaced; a datagram longer than
     *             {@value #MAX_DATAGRAM_BYTES} bytes keeps only the whole lines that fit
     */
    public record Datagram(long pid, int uid, String text) {}

    /** What {@link #receive()} throws once the socket is closed, whether it was waiting or came later. */
    public static final class ClosedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ClosedException(Path path) {
            super("notify socket " + path + " is closed");
        }
    }

    /**
     * Creates the socket file at {@code path} (made absolute: NOTIFY_SOCKET must be) and listens
     * on it. The directory is the caller's: it should be private, since anyone who may write to
     * the socket can send notifications.
     *
     * @throws NativeException e.g. "cannot bind notify socket /run/x/notify: Address already in use",
     *                         or when the path does not fit in a socket address (107 bytes)
     */
    public static NotifySocket open(Path path) {
        Platform.requireSupported();
        Path absolute = path.toAbsolutePath();
        byte[] name = socketName(absolute, "bind");
        Libc.Result socket = Libc.call(Libc.SOCKET, Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (socket.failed()) {
            throw NativeException.of("cannot open notify socket " + absolute, socket.errno());
        }
        int fd = socket.value();
        try (Arena arena = Arena.ofConfined()) {
            Libc.Result passCredentials = setIntOption(arena, fd, Libc.SO_PASSCRED, 1);
            if (passCredentials.failed()) {
                throw NativeException.of("cannot open notify socket " + absolute, passCredentials.errno());
            }
            setIntOption(arena, fd, Libc.SO_RCVBUF, RECEIVE_BUFFER_BYTES); // the default will do too
            MemorySegment address = sockaddr(arena, name);
            Libc.Result bind = Libc.call(Libc.BIND, fd, address, (int) address.byteSize());
            if (bind.failed()) {
                throw NativeException.of("cannot bind notify socket " + absolute, bind.errno());
            }
            return new NotifySocket(fd, absolute, name);
        } catch (RuntimeException e) {
            Libc.call(Libc.CLOSE, fd); // already failing: the original error is the one to report
            throw e;
        }
    }

    /** The socket file, absolute: what workers get as NOTIFY_SOCKET. */
    public Path path() {
        return path;
    }

    /**
     * Waits for the next datagram. Fds passed with it (SCM_RIGHTS) are closed at once: no worker
     * can make the master hold fds. It blocks its thread in native code, so call it from a
     * platform thread; any number of threads may call it at once.
     *
     * @throws ClosedException once {@link #close()} has been called, also while waiting
     * @throws NativeException if recvmsg fails for another reason
     */
    public Datagram receive() {
        int socket = enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(MAX_DATAGRAM_BYTES);
            MemorySegment control = arena.allocate(CONTROL_BYTES, CMSGHDR.byteAlignment());
            MemorySegment iov = arena.allocate(IOVEC);
            iov.set(ADDRESS, IOV_BASE, data);
            iov.set(JAVA_LONG, IOV_LEN, data.byteSize());
            MemorySegment msg = arena.allocate(MSGHDR);
            while (true) {
                // recvmsg writes msg_controllen and msg_flags back: set everything each round.
                msg.fill((byte) 0);
                msg.set(ADDRESS, MSG_IOV, iov);
                msg.set(JAVA_LONG, MSG_IOVLEN, 1L);
                msg.set(ADDRESS, MSG_CONTROL, control);
                msg.set(JAVA_LONG, MSG_CONTROLLEN, control.byteSize());
                // CLOEXEC so that passed fds cannot slip into a child spawned before we close them.
                Libc.Result r = Libc.callSize(Libc.RECVMSG, socket, msg, Libc.MSG_CMSG_CLOEXEC);
                if (r.failed()) {
                    if (r.errno() == Libc.EINTR) {
                        continue;
                    }
                    if (isClosed()) {
                        throw new ClosedException(path);
                    }
                    throw NativeException.of("cannot receive on notify socket " + path, r.errno());
                }
                long[] credentials = readControl(control, msg.get(JAVA_LONG, MSG_CONTROLLEN));
                // After shutdown recvmsg returns 0 at once; a 0 before close is an empty datagram.
                if (isClosed()) {
                    throw new ClosedException(path);
                }
                boolean truncated = (msg.get(JAVA_INT, MSG_FLAGS) & Libc.MSG_TRUNC) != 0;
                return new Datagram(credentials[0], (int) credentials[1], text(data, r.value(), truncated));
            }
        } finally {
            leave();
        }
    }

    /**
     * Stops the socket: receive() calls waiting in any thread throw ClosedException at once, and
     * the socket file is removed. Closing again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Wakes every recvmsg blocked on it: a shut-down socket reads as 0 bytes at once.
        Libc.call(Libc.SHUTDOWN, fd, Libc.SHUT_RDWR);
        try {
            if (receivers == 0) {
                closeFd();
            } // else the last receive() to leave closes it
        } finally {
            unlink();
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }

    /** The fd, or -1 once closed; for tests. */
    synchronized int fd() {
        return fd;
    }

    /**
     * Sends {@code text} as one datagram to the socket at {@code path}, from a new unbound socket,
     * the way sd_notify does. For tests, and to show what a worker does.
     *
     * @throws NativeException e.g. "cannot send to notify socket /x: Connection refused" (nobody
     *                         listens there)
     */
    public static void send(Path path, String text) {
        Platform.requireSupported();
        Path absolute = path.toAbsolutePath();
        byte[] name = socketName(absolute, "send to");
        Libc.Result socket = Libc.call(Libc.SOCKET, Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (socket.failed()) {
            throw NativeException.of("cannot send to notify socket " + absolute, socket.errno());
        }
        try (Arena arena = Arena.ofConfined()) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            MemorySegment buffer = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, buffer, JAVA_BYTE, 0, bytes.length);
            MemorySegment address = sockaddr(arena, name);
            Libc.Result sent = Libc.callSize(Libc.SENDTO, socket.value(), buffer, (long) bytes.length,
                    Libc.MSG_NOSIGNAL, address, (int) address.byteSize());
            if (sent.failed()) {
                throw NativeException.of("cannot send to notify socket " + absolute, sent.errno());
            }
        } finally {
            Libc.call(Libc.CLOSE, socket.value());
        }
    }

    private synchronized int enter() {
        if (closed) {
            throw new ClosedException(path);
        }
        receivers++;
        return fd;
    }

    private synchronized void leave() {
        receivers--;
        if (closed && receivers == 0) {
            closeFd();
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private synchronized void closeFd() {
        int open = fd;
        if (open >= 0) {
            fd = -1;
            Libc.close(open, "notify socket " + path);
        }
    }

    private void unlink() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment file = arena.allocate(name.length + 1L);
            MemorySegment.copy(name, 0, file, JAVA_BYTE, 0, name.length);
            Libc.Result r = Libc.call(Libc.UNLINK, file);
            if (r.failed() && r.errno() != Libc.ENOENT) { // someone removed it already: fine
                throw NativeException.of("cannot remove notify socket " + path, r.errno());
            }
        }
    }

    /**
     * Walks the control messages: returns {pid, uid} (-1 each without credentials) and closes
     * every fd a sender passed.
     */
    private static long[] readControl(MemorySegment control, long length) {
        long[] credentials = {-1, -1};
        long header = CMSGHDR.byteSize();
        long at = 0;
        while (at + header <= length) {
            long messageLength = control.get(JAVA_LONG, at + CMSG_LEN);
            if (messageLength < header || at + messageLength > length) {
                break; // the kernel never writes this; stop rather than read garbage
            }
            int level = control.get(JAVA_INT, at + CMSG_LEVEL);
            int type = control.get(JAVA_INT, at + CMSG_TYPE);
            MemorySegment payload = control.asSlice(at + header, messageLength - header);
            if (level == Libc.SOL_SOCKET && type == Libc.SCM_CREDENTIALS && payload.byteSize() >= UCRED.byteSize()) {
                credentials[0] = payload.get(JAVA_INT, UCRED_PID);
                credentials[1] = payload.get(JAVA_INT, UCRED_UID);
            } else if (level == Libc.SOL_SOCKET && type == Libc.SCM_RIGHTS) {
                for (long i = 0; i < payload.byteSize() / JAVA_INT.byteSize(); i++) {
                    Libc.call(Libc.CLOSE, payload.getAtIndex(JAVA_INT, i)); // ours now; nothing to report
                }
            }
            at += cmsgAlign(messageLength);
        }
        return credentials;
    }

    /**
     * The payload as text. A truncated datagram is cut after its last whole line, so that a cut
     * "MAINPID=1234" cannot read as "MAINPID=12"; one without a newline is kept as it is.
     */
    private static String text(MemorySegment data, int length, boolean truncated) {
        byte[] bytes = data.asSlice(0, Math.min(length, data.byteSize())).toArray(JAVA_BYTE);
        int end = bytes.length;
        if (truncated) {
            int lastNewline = end - 1;
            while (lastNewline >= 0 && bytes[lastNewline] != '\n') {
                lastNewline--;
            }
            if (lastNewline >= 0) {
                end = lastNewline + 1;
            }
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** The path's bytes, checked to fit in sun_path with its terminating NUL. */
    private static byte[] socketName(Path absolute, String verb) {
        byte[] name = absolute.toString().getBytes(FILE_NAMES);
        if (name.length >= Libc.SUN_PATH_BYTES) {
            throw new NativeException("cannot " + verb + " notify socket " + absolute + ": the path is "
                    + name.length + " bytes, and a unix socket path must be at most "
                    + (Libc.SUN_PATH_BYTES - 1), Libc.ENAMETOOLONG);
        }
        return name;
    }

    private static MemorySegment sockaddr(Arena arena, byte[] name) {
        MemorySegment address = arena.allocate(SOCKADDR_UN); // zeroed: the name ends with a NUL
        address.set(JAVA_SHORT, 0, (short) Libc.AF_UNIX);
        MemorySegment.copy(name, 0, address, JAVA_BYTE, SUN_PATH, name.length);
        return address;
    }

    private static Libc.Result setIntOption(Arena arena, int fd, int option, int value) {
        MemorySegment box = arena.allocateFrom(JAVA_INT, value);
        return Libc.call(Libc.SETSOCKOPT, fd, Libc.SOL_SOCKET, option, box, (int) JAVA_INT.byteSize());
    }

    /** CMSG_ALIGN: control messages start at multiples of sizeof(size_t). */
    private static long cmsgAlign(long length) {
        return (length + 7) & ~7L;
    }

    /** CMSG_SPACE: a header and {@code payload} bytes, aligned. */
    private static long cmsgSpace(long payload) {
        return cmsgAlign(CMSGHDR.byteSize()) + cmsgAlign(payload);
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }
}
