package io.clusterflock.internal.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The glibc functions and constants the master needs, bound once over FFM.
 *
 * <p>A symbol that is missing gives a null handle instead of failing class initialisation (which
 * users would see as an ExceptionInInitializerError); every public entry point of this package calls
 * {@link Platform#requireSupported()} first, so a null handle is never invoked.
 *
 * <p>The constants are Linux's; they are the same on x86_64 and aarch64 (both use the generic
 * values where other architectures differ, e.g. SO_REUSEADDR and O_CLOEXEC).
 */
@SuppressWarnings("restricted") // binding native functions is the point of this class
final class Libc {

    // <sys/socket.h>, <netinet/in.h>
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_REUSEPORT = 15;
    static final int SO_ATTACH_REUSEPORT_CBPF = 51;
    static final int SO_TYPE = 3;
    static final int SO_ATTACH_FILTER = 26;
    static final int SO_ACCEPTCONN = 30;
    static final int SO_DOMAIN = 39;
    static final int IPPROTO_TCP = 6;
    static final int TCP_INFO = 11;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    /** sizeof(struct sockaddr_storage): room for any address getsockname can return. */
    static final long SOCKADDR_STORAGE_BYTES = 128;

    // <sys/socket.h>, <sys/un.h>: the notify socket (AF_UNIX datagrams with sender credentials)
    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SO_RCVBUF = 8;
    static final int SO_PASSCRED = 16;
    static final int SCM_RIGHTS = 1;
    static final int SCM_CREDENTIALS = 2;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_CMSG_CLOEXEC = 0x40000000;
    static final int SHUT_RDWR = 2;
    /** sizeof(sun_path) in struct sockaddr_un, including the terminating NUL. */
    static final int SUN_PATH_BYTES = 108;

    // <fcntl.h>
    static final int O_CLOEXEC = 0x80000;
    static final int F_DUPFD_CLOEXEC = 1030;

    // <spawn.h> flags (glibc)
    static final short POSIX_SPAWN_SETPGROUP = 0x02;
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    /**
     * Bytes allocated for posix_spawnattr_t and posix_spawn_file_actions_t. glibc's are 336 and 80
     * bytes on x86_64; the init functions fill them in, we only need enough room, so be generous.
     */
    static final long SPAWN_STRUCT_BYTES = 512;
    /** sizeof(struct sigaction) in glibc on x86_64 and aarch64 (handler, mask, flags, restorer); its handler comes first. */
    static final long SIGACTION_BYTES = 152;
    /** sizeof(sigset_t) in glibc: 1024 bits. */
    static final long SIGSET_BYTES = 128;

    // <errno.h>
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int ECHILD = 10;
    static final int ENAMETOOLONG = 36;
    static final int EAFNOSUPPORT = 97;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    // Functions that report failure through errno: invoke them with call().
    static final MethodHandle SOCKET = withErrno("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle SETSOCKOPT =
            withErrno("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle GETSOCKOPT =
            withErrno("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle BIND = withErrno("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle LISTEN = withErrno("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle GETSOCKNAME = withErrno("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle CLOSE = withErrno("close", JAVA_INT, JAVA_INT);
    static final MethodHandle PIPE2 = withErrno("pipe2", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle WAITPID = withErrno("waitpid", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle KILL = withErrno("kill", JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle SIGACTION = withErrno("sigaction", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle SHUTDOWN = withErrno("shutdown", JAVA_INT, JAVA_INT, JAVA_INT);
    static final MethodHandle UNLINK = withErrno("unlink", JAVA_INT, ADDRESS);
    // These two return ssize_t: invoke them with callSize().
    static final MethodHandle RECVMSG = withErrno("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle SENDTO =
            withErrno("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    /** fcntl(int, int, ...) is variadic: the linker must be told where the variadic part starts. */
    static final MethodHandle FCNTL_INT = bind("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2), CAPTURE_ERRNO);

    // posix_spawn and its helpers return an error number and leave errno alone: use plain().
    static final MethodHandle POSIX_SPAWN =
            plain("posix_spawn", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle FILE_ACTIONS_INIT = plain("posix_spawn_file_actions_init", JAVA_INT, ADDRESS);
    static final MethodHandle FILE_ACTIONS_DESTROY = plain("posix_spawn_file_actions_destroy", JAVA_INT, ADDRESS);
    static final MethodHandle FILE_ACTIONS_ADDDUP2 =
            plain("posix_spawn_file_actions_adddup2", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    static final MethodHandle FILE_ACTIONS_ADDCLOSE =
            plain("posix_spawn_file_actions_addclose", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle FILE_ACTIONS_ADDCLOSEFROM =
            plain("posix_spawn_file_actions_addclosefrom_np", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle ATTR_INIT = plain("posix_spawnattr_init", JAVA_INT, ADDRESS);
    static final MethodHandle ATTR_DESTROY = plain("posix_spawnattr_destroy", JAVA_INT, ADDRESS);
    static final MethodHandle ATTR_SETFLAGS = plain("posix_spawnattr_setflags", JAVA_INT, ADDRESS, JAVA_SHORT);
    static final MethodHandle ATTR_SETSIGMASK = plain("posix_spawnattr_setsigmask", JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle ATTR_SETSIGDEFAULT =
            plain("posix_spawnattr_setsigdefault", JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle ATTR_SETPGROUP = plain("posix_spawnattr_setpgroup", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle SIGEMPTYSET = plain("sigemptyset", JAVA_INT, ADDRESS);
    static final MethodHandle SIGFILLSET = plain("sigfillset", JAVA_INT, ADDRESS);
    static final MethodHandle GETEUID = plain("geteuid", JAVA_INT);
    /** Pointers into glibc's static buffers: call them from one thread at a time (the master's start). */
    static final MethodHandle GETPWNAM = plain("getpwnam", ADDRESS, ADDRESS);
    static final MethodHandle GETPWUID = plain("getpwuid", ADDRESS, JAVA_INT);
    static final MethodHandle GETGRNAM = plain("getgrnam", ADDRESS, ADDRESS);
    static final MethodHandle GETGRGID = plain("getgrgid", ADDRESS, JAVA_INT);
    /** glibc ≥ 2.32: the text of strerror without the locale or "Unknown error" games; NULL if unknown. */
    static final MethodHandle STRERRORDESC_NP = plain("strerrordesc_np", ADDRESS, JAVA_INT);

    private Libc() {}

    /** What a call that sets errno returned, and errno as it was right after the call. */
    record Result(int value, int errno) {
        /** The usual libc convention: -1 means failure and errno says why. */
        boolean failed() {
            return value == -1;
        }
    }

    /** Invokes a handle made by {@link #withErrno} with {@code args}, capturing errno. */
    static Result call(MethodHandle function, Object... args) {
        return capture(function, value -> (int) value, args);
    }

    /**
     * {@link #call} for the functions that return ssize_t (recvmsg, sendto). The byte count fits an
     * int because every buffer this package passes is far smaller than 2 GiB.
     */
    static Result callSize(MethodHandle function, Object... args) {
        return capture(function, value -> (int) (long) value, args);
    }

    /** Invokes {@code function} with an errno capture segment in front of {@code args}. */
    private static Result capture(MethodHandle function, java.util.function.ToIntFunction<Object> result, Object... args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            Object[] all = new Object[args.length + 1];
            all[0] = state;
            System.arraycopy(args, 0, all, 1, args.length);
            int value = result.applyAsInt(invoke(function, all));
            return new Result(value, (int) ERRNO.get(state, 0L));
        }
    }

    /** Invokes a handle made by {@link #plain} that returns a pointer. */
    static MemorySegment callPointer(MethodHandle function, Object... args) {
        return (MemorySegment) invoke(function, args);
    }

    /** Invokes a handle made by {@link #plain}; posix_spawn* return 0 or an error number. */
    static int callPlain(MethodHandle function, Object... args) {
        return (int) invoke(function, args);
    }

    /** close(2), for fds this package owns. EINTR still closes the fd on Linux, so it is not retried. */
    static void close(int fd, String what) {
        Result r = call(CLOSE, fd);
        if (r.failed() && r.errno() != EINTR) {
            throw NativeException.of("cannot close " + what, r.errno());
        }
    }

    /** The meaning of {@code errno} ("Address already in use"). */
    static String describe(int errno) {
        if (STRERRORDESC_NP == null) {
            return "error " + errno;
        }
        MemorySegment text = (MemorySegment) invoke(STRERRORDESC_NP, errno);
        // The pointer has no size attached; reinterpret lets us read the C string it points to.
        return text.equals(MemorySegment.NULL)
                ? "unknown error " + errno
                : text.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    private static Object invoke(MethodHandle function, Object... args) {
        try {
            return function.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            // Downcalls throw no checked exceptions; this would be a bug in a descriptor.
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle withErrno(String name, MemoryLayout result, MemoryLayout... args) {
        return bind(name, FunctionDescriptor.of(result, args), CAPTURE_ERRNO);
    }

    private static MethodHandle plain(String name, MemoryLayout result, MemoryLayout... args) {
        return bind(name, FunctionDescriptor.of(result, args));
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.defaultLookup().find(name)
                .map(address -> LINKER.downcallHandle(address, descriptor, options))
                .orElse(null);
    }
}
